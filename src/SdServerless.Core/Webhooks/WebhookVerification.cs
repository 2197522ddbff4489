namespace SdServerless.Core.Webhooks;

/// <summary>The outcome of checking a received webhook; only <see cref="Valid"/> means it may be trusted.</summary>
public enum WebhookVerification
{
    /// <summary>The timestamp is recent and a signature matches: the message came from a holder of the secret.</summary>
    Valid,
    /// <summary>webhook-id, webhook-timestamp or webhook-signature is missing or empty.</summary>
    MissingHeaders,
    /// <summary>webhook-timestamp is not a whole number of Unix seconds.</summary>
    InvalidTimestamp,
    /// <summary>The timestamp is further from now than the tolerance: possibly a replay.</summary>
    TimestampOutOfTolerance,
    /// <summary>No signature matches the secret: altered, or signed with another secret.</summary>
    NoMatchingSignature,
}
