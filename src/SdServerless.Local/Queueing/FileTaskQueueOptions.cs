namespace SdServerless.Local.Queueing;

/// <summary>The embedded queue's limits and durability, set as SQS's queue attributes would be.</summary>
public sealed class FileTaskQueueOptions
{
    /// <summary>
    /// Receives after which a message goes to the dead-letter queue instead of being delivered again (SQS's
    /// maxReceiveCount). 0 means never: the queue has no dead-letter queue.
    /// </summary>
    public int MaxReceiveCount { get; set; } = 5;

    /// <summary>Largest message body in UTF-8 bytes (SQS's limit).</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>The journal is rewritten as a snapshot of the live messages once it grows past this size.</summary>
    public long CompactionThresholdBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// fsync the journal before a send returns, so an accepted message survives a power loss, not only a crash of
    /// the process. Only tests that measure something else turn it off.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>Visibility timeouts, delays and long polls; tests advance a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The same settings for the dead-letter queue, which has no dead-letter queue of its own.</summary>
    internal FileTaskQueueOptions ForDeadLetterQueue() => new()
    {
        MaxReceiveCount = 0,
        MaxMessageBytes = MaxMessageBytes,
        CompactionThresholdBytes = CompactionThresholdBytes,
        FlushToDisk = FlushToDisk,
        TimeProvider = TimeProvider,
    };
}
