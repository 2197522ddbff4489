namespace SdServerless.Local.Queueing;

/// <summary>A live message of a <see cref="FileTaskQueue"/>, guarded by the queue's lock.</summary>
internal sealed class QueueEntry(long sequence, string id, string body, DateTimeOffset sentAt)
{
    /// <summary>Arrival order: receives hand out visible messages oldest first.</summary>
    public long Sequence { get; } = sequence;

    public string Id { get; } = id;

    public string Body { get; } = body;

    public DateTimeOffset SentAt { get; } = sentAt;

    public DateTimeOffset VisibleAt { get; set; }

    public int ReceiveCount { get; set; }

    /// <summary>The handle of the latest receive; only it may delete the message or change its visibility.</summary>
    public string? ReceiptHandle { get; set; }

    /// <summary>False until the send that created it is durable: a receiver never sees a message not yet accepted.</summary>
    public bool Accepted { get; set; }

    /// <summary>Being moved to the dead-letter queue.</summary>
    public bool Moving { get; set; }

    public JournalRecord ToSendRecord(DateTimeOffset visibleAt) => new(
        JournalOperation.Send, Id, Body, SentAt.ToUnixTimeMilliseconds(), visibleAt.ToUnixTimeMilliseconds(), ReceiveCount);
}
