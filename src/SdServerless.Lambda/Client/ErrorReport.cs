using System.Text.Json.Serialization;

namespace SdServerless.Lambda.Client;

/// <summary>The body of runtime/invocation/{id}/error and runtime/init/error.</summary>
public sealed class ErrorReport
{
    [JsonPropertyName("errorMessage")]
    public required string ErrorMessage { get; init; }

    [JsonPropertyName("errorType")]
    public required string ErrorType { get; init; }

    [JsonPropertyName("stackTrace")]
    public IReadOnlyList<string> StackTrace { get; init; } = [];

    public static ErrorReport FromException(Exception exception) => new()
    {
        ErrorMessage = exception.Message,
        ErrorType = exception.GetType().Name,
        StackTrace = SplitStackTrace(exception),
    };

    private static string[] SplitStackTrace(Exception exception)
    {
        // Inner exceptions carry the cause (e.g. the SDK error under a DependencyUnavailableException).
        var text = exception.ToString();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
