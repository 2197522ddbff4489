using System.Text.Json.Serialization;

namespace SdServerless.Lambda.Client;

/// <summary>The body of runtime/invocation/{id}/error and runtime/init/error.</summary>
public sealed class ErrorReport
{
    /// <summary>What went wrong, shown in the invocation's result and in CloudWatch.</summary>
    [JsonPropertyName("errorMessage")]
    public required string ErrorMessage { get; init; }

    /// <summary>The exception's type name, or a category.reason such as Runtime.ConfigInvalid.</summary>
    [JsonPropertyName("errorType")]
    public required string ErrorType { get; init; }

    /// <summary>The exception with its inner exceptions, one line per entry.</summary>
    [JsonPropertyName("stackTrace")]
    public IReadOnlyList<string> StackTrace { get; init; } = [];

    /// <summary>The report of an exception, inner exceptions included: they carry the cause.</summary>
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
