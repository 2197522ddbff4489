namespace SdServerless.Core.Webhooks;

/// <summary>The outcome of checking a received webhook; only <see cref="Valid"/> means it may be trusted.</summary>
public enum WebhookVerification
{
    Valid,
    MissingHeaders,
    InvalidTimestamp,
    TimestampOutOfTolerance,
    NoMatchingSignature,
}
