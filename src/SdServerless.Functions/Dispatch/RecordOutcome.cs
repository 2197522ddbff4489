namespace SdServerless.Functions.Dispatch;

/// <summary>What becomes of one queue message after the dispatcher handled it.</summary>
public enum RecordOutcome
{
    /// <summary>The task is finished (succeeded or failed, result.json exists): delete the message.</summary>
    Completed,

    /// <summary>A transient failure: the message's visibility was set for a backoff; it must come back.</summary>
    RetryLater,

    /// <summary>The task goes on in a new message sent with a delay (it waits for capacity, or retries on another server): delete this one.</summary>
    Requeued,

    /// <summary>Not a task message at all: report it every time so the queue's redrive moves it to the dead-letter queue.</summary>
    Poison,
}
