using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SdServerless.Core.Validation;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Api;

/// <summary>Builds proxy responses: JSON bodies and RFC 9457 problem details for every rejection.</summary>
public static class ApiResults
{
    public const string ProblemContentType = "application/problem+json";

    public static ApiGatewayProxyResponse Json(int statusCode, Action<Utf8JsonWriter> write) =>
        new()
        {
            StatusCode = statusCode,
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            Body = WriteJson(write),
        };

    public static ApiGatewayProxyResponse Problem(
        int statusCode,
        string type,
        string title,
        string detail,
        IReadOnlyList<FieldError>? errors = null,
        IReadOnlyDictionary<string, string>? headers = null,
        IReadOnlyDictionary<string, string>? extensions = null)
    {
        var body = WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "urn:sdserverless:problem:" + type);
            writer.WriteString("title", title);
            writer.WriteNumber("status", statusCode);
            writer.WriteString("detail", detail);
            foreach (var (name, value) in extensions ?? new Dictionary<string, string>())
            {
                // RFC 9457 extension members, e.g. the final status of a task that can no longer be cancelled.
                writer.WriteString(name, value);
            }

            if (errors is { Count: > 0 })
            {
                writer.WriteStartArray("errors");
                foreach (var error in errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("field", error.Field);
                    writer.WriteString("message", error.Message);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        });

        var allHeaders = new Dictionary<string, string> { ["Content-Type"] = ProblemContentType };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            allHeaders[name] = value;
        }

        return new ApiGatewayProxyResponse { StatusCode = statusCode, Headers = allHeaders, Body = body };
    }

    public static ApiGatewayProxyResponse PayloadTooLarge(int maxBodyBytes) =>
        Problem(413, "payload-too-large", "Request body too large",
            string.Create(CultureInfo.InvariantCulture, $"The body must be at most {maxBodyBytes} bytes."));

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // Relaxed escaping: messages quote values ('nope') and carry non-ASCII text as is; the body is never HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
