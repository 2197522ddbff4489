using System.Text.Json;
using System.Text.Json.Serialization;

namespace SdServerless.Emulator.Api;

/// <summary>
/// One entry of FastAPI's 422 "detail" list. <see cref="Location"/> follows "body" in "loc" (a field name, then a
/// list index where the fault is inside a list); <see cref="Context"/> is pydantic's optional "ctx" object.
/// </summary>
internal sealed record ValidationIssue(IReadOnlyList<object> Location, string Message, string Type, IssueContext? Context = null);

/// <summary>Pydantic's "ctx" of an issue: what the value was checked against.</summary>
[JsonDerivedType(typeof(LimitContext))]
[JsonDerivedType(typeof(JsonDecodeContext))]
[JsonDerivedType(typeof(ConstContext))]
internal abstract record IssueContext;

/// <summary>The bound a number broke (Field(ge=…) or Field(le=…)).</summary>
internal sealed record LimitContext(long LimitValue) : IssueContext;

/// <summary>Where a body that is not JSON stops parsing, as Python's JSONDecodeError tells it (line and column from 1).</summary>
internal sealed record JsonDecodeContext(string Msg, int Pos, long Lineno, int Colno) : IssueContext;

/// <summary>A value outside a field's permitted constants; <see cref="Given"/> is echoed as the client wrote it.</summary>
internal sealed record ConstContext([property: JsonConverter(typeof(RawJsonConverter))] JsonElement Given, IReadOnlyList<int> Permitted) : IssueContext;

/// <summary>Writes a value of the request as its raw text: not re-spaced, its strings not escaped again.</summary>
internal sealed class RawJsonConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.GetRawText());
}
