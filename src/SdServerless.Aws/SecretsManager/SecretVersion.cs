namespace SdServerless.Aws.SecretsManager;

/// <summary>One version of a secret, as GetSecretValue returns it.</summary>
/// <param name="CreatedAt">When the version was created (for AWSCURRENT: when the secret was last rotated).</param>
public sealed record SecretVersion(string VersionId, string SecretString, DateTimeOffset CreatedAt);
