using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Reads SD Web UI's error answers (422 {"detail":[{"loc","msg"}]}, HTTPException {"detail"}, 500
/// {"error","detail","body","errors"}) into one message, and decides whether a retry could help.
/// </summary>
internal static class SdWebUiErrorBody
{
    private const int MaxErrorBytes = 64 * 1024;

    /// <summary>The first attempt and one retry.</summary>
    public const int OutOfMemoryAttempts = 2;

    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
            }

            return Describe(buffer.AsSpan(0, length));
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
    }

    /// <summary>
    /// 502/503/504, 408 and 429 mean the pool is busy or down: retried. A 500 is SD Web UI's exception for this
    /// request (e.g. "Invalid encoded image"), which fails again on a retry, except running out of GPU memory, which a
    /// less busy server may not: that is worth one more attempt, no more (a request too large for the GPU stays too
    /// large). Every other 4xx is a request SD Web UI will never accept; 401 means the runtime's credentials are wrong.
    /// </summary>
    public static DispatchFailure Classify(HttpStatusCode status, string detail)
    {
        var code = (int)status;
        var message = detail.Length > 0
            ? $"SD Web UI answered {code}: {detail}"
            : $"SD Web UI answered {code}";
        return code switch
        {
            408 or 429 or 502 or 503 or 504 => DispatchFailure.Transient(DispatchErrorTypes.PoolUnavailable, message),
            500 when IsOutOfMemory(detail) => DispatchFailure.Transient(DispatchErrorTypes.SdWebUiOutOfMemory, message, attemptLimit: OutOfMemoryAttempts),
            401 => DispatchFailure.Permanent(
                DispatchErrorTypes.SdWebUiRejected,
                $"{message} (the server was started with --api-auth: the runtime's api_auth must hold its user:password)"),
            >= 400 and < 500 => DispatchFailure.Permanent(DispatchErrorTypes.SdWebUiRejected, message),
            _ => DispatchFailure.Permanent(DispatchErrorTypes.SdWebUiError, message),
        };
    }

    internal static string Describe(ReadOnlySpan<byte> body)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(body).Trim();
        }

        if (json is not JsonObject error)
        {
            return json?.ToJsonString() ?? "";
        }

        var parts = new List<string>();
        if (error["detail"] is JsonArray details)
        {
            parts.AddRange(details.OfType<JsonObject>().Select(DescribeValidationError));
        }

        foreach (var name in (string[])["error", "detail", "errors"])
        {
            if (error[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0)
            {
                parts.Add(text);
            }
        }

        return string.Join("; ", parts.Distinct());
    }

    /// <summary>Pydantic's {"loc":["body","steps"],"msg":"value is not a valid integer"} → "steps: value is not a valid integer".</summary>
    private static string DescribeValidationError(JsonObject item)
    {
        var location = item["loc"] is JsonArray loc
            ? string.Join('.', loc.Select(l => l?.ToString()).Where(l => l is not null and not "body"))
            : "";
        var text = item["msg"]?.ToString() ?? item.ToJsonString();
        return location.Length > 0 ? $"{location}: {text}" : text;
    }

    private static bool IsOutOfMemory(string detail) =>
        detail.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase)
        || detail.Contains("out of memory", StringComparison.OrdinalIgnoreCase);
}
