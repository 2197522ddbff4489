namespace SdServerless.Aws.SecretsManager;

/// <summary>Where the webhook secret is kept in Secrets Manager and how long a read of it is trusted.</summary>
public sealed class WebhookSecretOptions
{
    /// <summary>Default of <see cref="CacheDuration"/>: a rotation applies within five minutes, at one read per five minutes per function instance.</summary>
    public static readonly TimeSpan DefaultCacheDuration = TimeSpan.FromMinutes(5);
    /// <summary>Default of <see cref="RotationOverlap"/>: a day for receivers to take up a new secret.</summary>
    public static readonly TimeSpan DefaultRotationOverlap = TimeSpan.FromHours(24);

    /// <summary>The secret's ARN (or name).</summary>
    public required string SecretId { get; init; }

    /// <summary>How long a read is used before the secret is read again: the longest a rotation takes to be picked up.</summary>
    public TimeSpan CacheDuration { get; init; } = DefaultCacheDuration;

    /// <summary>
    /// For this long after a rotation (the creation of the current version), the previous version signs as well,
    /// so receivers that still hold it keep verifying while they are updated.
    /// </summary>
    public TimeSpan RotationOverlap { get; init; } = DefaultRotationOverlap;
}
