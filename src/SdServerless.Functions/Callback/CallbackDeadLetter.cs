using System.Text.Json;

namespace SdServerless.Functions.Callback;

/// <summary>
/// A callback that could not be delivered: the body of a message on the callback dead-letter queue.
/// It holds everything a replay needs; the replay keeps <see cref="WebhookId"/> and signs afresh.
/// </summary>
public sealed class CallbackDeadLetter
{
    /// <summary>The webhook-id every attempt carried, kept by the replay so that receivers see a repeat.</summary>
    public required string WebhookId { get; init; }

    /// <summary>Where the webhook went.</summary>
    public required string Url { get; init; }

    /// <summary>The webhook body as it was sent; null when it was too large for a message (see <see cref="PayloadKey"/>).</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Where the body is kept in the bucket when it did not fit in the message.</summary>
    public string? PayloadKey { get; init; }

    /// <summary>The result.json the callback was made from: the replay rebuilds the body from it, with fresh image links.</summary>
    public string? ResultKey { get; init; }

    /// <summary>The task the webhook reported; null for a body of unknown origin.</summary>
    public string? IdTask { get; init; }

    /// <summary>How the delivery ended: rejected, refused or gave_up.</summary>
    public required WebhookDeliveryOutcome Outcome { get; init; }

    /// <summary>Why the last attempt failed, in words for a person.</summary>
    public required string Reason { get; init; }

    /// <summary>The receiver's last HTTP status; null when it never answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Attempts made before the callback was dead-lettered.</summary>
    public int Attempts { get; init; }

    /// <summary>When it was dead-lettered.</summary>
    public required DateTimeOffset FailedAt { get; init; }
}
