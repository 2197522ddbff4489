namespace SdServerless.Core.Tasks;

/// <summary>
/// request.json: written by the API when a task is accepted. Created only if none exists (the id is the
/// idempotency key); <see cref="Enqueued"/> turns true once the queue holds the task, and only then is it accepted.
/// A record that is not enqueued changes hands only by a conditional replace (see TaskSubmission), and each writer
/// puts its own <see cref="Claim"/> in it: the dispatcher runs a message only while its claim is the record's.
/// </summary>
public sealed class TaskRecord
{
    public required string IdTask { get; init; }

    /// <summary>SHA-256 of the request body's canonical JSON: the same id with another hash is a conflict.</summary>
    public required string RequestHash { get; init; }

    public required string OutputLocation { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool Enqueued { get; set; }

    /// <summary>The request that wrote this record gave up before it was accepted (busy, queue unreachable): another may take the id at once.</summary>
    public bool Withdrawn { get; set; }

    /// <summary>A token unique to the request that wrote the record; its queue message carries the same one.</summary>
    public string? Claim { get; init; }

    public required SdTask Task { get; init; }
}
