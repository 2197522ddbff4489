namespace SdServerless.Lambda.Composition;

/// <summary>The function's environment is incomplete or invalid; reported through runtime/init/error.</summary>
public sealed class LambdaConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid function configuration: " + string.Join("; ", problems))
{
    /// <summary>Runtime API error type for configuration failures (category.reason, as Lambda recommends).</summary>
    public const string ErrorType = "Runtime.ConfigInvalid";

    /// <summary>Every problem found, each naming its variable, so that one deployment fixes them all.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
