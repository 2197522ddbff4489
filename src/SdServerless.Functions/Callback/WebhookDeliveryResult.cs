namespace SdServerless.Functions.Callback;

/// <summary>How one webhook's delivery ended.</summary>
/// <param name="Outcome">Delivered, or why not.</param>
/// <param name="Attempts">POSTs made; 0 when the URL was refused.</param>
/// <param name="StatusCode">The last HTTP status received, if any.</param>
/// <param name="Reason">Why it did not succeed, for logs and the dead-letter entry.</param>
public sealed record WebhookDeliveryResult(WebhookDeliveryOutcome Outcome, int Attempts, int? StatusCode, string? Reason)
{
    /// <summary>Whether the receiver took it (2xx).</summary>
    public bool Delivered => Outcome == WebhookDeliveryOutcome.Delivered;
}
