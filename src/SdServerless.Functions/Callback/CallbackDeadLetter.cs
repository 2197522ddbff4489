using System.Text.Json;

namespace SdServerless.Functions.Callback;

/// <summary>
/// A callback that could not be delivered: the body of a message on the callback dead-letter queue.
/// It holds everything a replay needs; the replay keeps <see cref="WebhookId"/> and signs afresh.
/// </summary>
public sealed class CallbackDeadLetter
{
    public required string WebhookId { get; init; }

    public required string Url { get; init; }

    /// <summary>The webhook body as it was sent; null when it was too large for a message (see <see cref="PayloadKey"/>).</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Where the body is kept in the bucket when it did not fit in the message.</summary>
    public string? PayloadKey { get; init; }

    /// <summary>The result.json the callback was made from: the replay rebuilds the body from it, with fresh image links.</summary>
    public string? ResultKey { get; init; }

    public string? IdTask { get; init; }

    public required WebhookDeliveryOutcome Outcome { get; init; }

    public required string Reason { get; init; }

    public int? StatusCode { get; init; }

    public int Attempts { get; init; }

    public required DateTimeOffset FailedAt { get; init; }
}
