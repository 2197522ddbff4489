namespace SdServerless.Aws.SecretsManager;

/// <summary>Secrets Manager refused the call for a reason a retry does not cure (access denied, no such secret...).</summary>
public sealed class SecretsManagerException(string code, string message) : Exception($"Secrets Manager answered {code}: {message}")
{
    /// <summary>Secrets Manager's error type, e.g. AccessDeniedException or ResourceNotFoundException.</summary>
    public string Code { get; } = code;
}
