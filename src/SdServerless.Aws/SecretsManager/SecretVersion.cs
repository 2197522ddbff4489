namespace SdServerless.Aws.SecretsManager;

/// <summary>One version of a secret, as GetSecretValue returns it.</summary>
/// <param name="VersionId">The version's id: when it changes, the secret was rotated.</param>
/// <param name="SecretString">The secret's text (for the webhook secret: whsec_&lt;base64&gt; or the bare key). Never logged.</param>
/// <param name="CreatedAt">When the version was created (for AWSCURRENT: when the secret was last rotated).</param>
public sealed record SecretVersion(string VersionId, string SecretString, DateTimeOffset CreatedAt);
