namespace SdServerless.Core.Webhooks;

/// <summary>The Standard Webhooks header names.</summary>
public static class WebhookHeaderNames
{
    /// <summary>The message id: the same on every retry of one delivery, so that a receiver can drop duplicates.</summary>
    public const string Id = "webhook-id";
    /// <summary>Unix seconds when the message was signed; receivers refuse old ones to stop replays.</summary>
    public const string Timestamp = "webhook-timestamp";
    /// <summary>Space-separated "v1,BASE64" HMAC-SHA256 signatures of id, timestamp and body, one per current secret.</summary>
    public const string Signature = "webhook-signature";
}
