namespace SdServerless.Functions.Callback;

/// <param name="StatusCode">The last HTTP status received, if any.</param>
/// <param name="Reason">Why it did not succeed, for logs and the dead-letter entry.</param>
public sealed record WebhookDeliveryResult(WebhookDeliveryOutcome Outcome, int Attempts, int? StatusCode, string? Reason)
{
    public bool Delivered => Outcome == WebhookDeliveryOutcome.Delivered;
}
