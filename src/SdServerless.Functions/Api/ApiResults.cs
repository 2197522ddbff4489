using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SdServerless.Core.Validation;
using SdServerless.Functions.Events;
using SdServerless.Functions.Json;

namespace SdServerless.Functions.Api;

/// <summary>Builds proxy responses: JSON bodies and RFC 9457 problem details for every rejection.</summary>
public static class ApiResults
{
    /// <summary>The media type of RFC 9457 problem details.</summary>
    public const string ProblemContentType = "application/problem+json";

    /// <summary>A JSON answer: <paramref name="body"/> through its source-generated metadata.</summary>
    public static ApiGatewayProxyResponse Json<T>(int statusCode, T body, JsonTypeInfo<T> typeInfo) =>
        new()
        {
            StatusCode = statusCode,
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            Body = WriteJson(writer => JsonSerializer.Serialize(writer, body, typeInfo)),
        };

    /// <summary>An RFC 9457 problem: the answer to every rejection, with the headers it needs (Allow, Retry-After).</summary>
    /// <param name="statusCode">The HTTP status, repeated in the body.</param>
    /// <param name="type">The problem's short name; its type URI is urn:sdserverless:problem: and this name.</param>
    /// <param name="title">The same for every occurrence of the problem.</param>
    /// <param name="detail">This occurrence: what was wrong and what to do.</param>
    /// <param name="errors">Each invalid field and why; none: the member is left out.</param>
    /// <param name="headers">Headers besides Content-Type.</param>
    /// <param name="taskStatus">The final status of a task that can no longer be cancelled (an RFC 9457 extension member).</param>
    public static ApiGatewayProxyResponse Problem(
        int statusCode,
        string type,
        string title,
        string detail,
        IReadOnlyList<FieldError>? errors = null,
        IReadOnlyDictionary<string, string>? headers = null,
        string? taskStatus = null)
    {
        var problem = new ProblemBody("urn:sdserverless:problem:" + type, title, statusCode, detail, taskStatus, errors is { Count: > 0 } ? errors : null);
        var body = WriteJson(writer => JsonSerializer.Serialize(writer, problem, FunctionsJsonContext.Default.ProblemBody));
        var allHeaders = new Dictionary<string, string> { ["Content-Type"] = ProblemContentType };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            allHeaders[name] = value;
        }

        return new ApiGatewayProxyResponse { StatusCode = statusCode, Headers = allHeaders, Body = body };
    }

    /// <summary>413 for a body over the limit: answered before the body is parsed.</summary>
    public static ApiGatewayProxyResponse PayloadTooLarge(int maxBodyBytes) =>
        Problem(413, "payload-too-large", "Request body too large",
            string.Create(CultureInfo.InvariantCulture, $"The body must be at most {maxBodyBytes} bytes."));

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // Relaxed escaping: messages quote values ('nope') and carry non-ASCII text as is; the body is never HTML.
        // The writer's encoder is the one that counts: the serializer writes through it.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
