using System.Text.Json.Serialization;

namespace SdServerless.Emulator.Api;

/// <summary>
/// The body SD Web UI's exception middleware writes: HTTPException puts its message in <see cref="Detail"/>, other
/// exceptions put theirs in <see cref="Errors"/>; <see cref="Body"/> is always empty.
/// </summary>
internal sealed record SdErrorBody(string Error, string Detail, string Body, string Errors);

/// <summary>FastAPI's 422: every validation issue of the request.</summary>
internal sealed record ValidationErrorBody(IReadOnlyList<ValidationErrorDetail> Detail);

/// <summary>One issue of a 422: "loc" starts with "body"; "ctx" only where pydantic gives one.</summary>
internal sealed record ValidationErrorDetail(
    IReadOnlyList<object> Loc,
    string Msg,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IssueContext? Ctx);

/// <summary>FastAPI's answer to a path it has no route for.</summary>
internal sealed record NotFoundBody(string Detail);
