namespace SdServerless.Core.Tasks;

/// <summary>
/// request.json: written by the API when a task is accepted. Created only if none exists (the id is the
/// idempotency key); <see cref="Enqueued"/> turns true once the queue holds the task, and only then is it accepted.
/// A record that is not enqueued changes hands only by a conditional replace (see TaskSubmission), and each writer
/// puts its own <see cref="Claim"/> in it: the dispatcher runs a message only while its claim is the record's.
/// </summary>
public sealed class TaskRecord
{
    /// <summary>The task id: the idempotency key, and the folder the record is in.</summary>
    public required string IdTask { get; init; }

    /// <summary>SHA-256 of the request body's canonical JSON: the same id with another hash is a conflict.</summary>
    public required string RequestHash { get; init; }

    /// <summary>The s3:// folder of the outputs, returned again to a client that re-sends the same request.</summary>
    public required string OutputLocation { get; init; }

    /// <summary>When the API accepted the task; listings and result.json report it.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The queue holds the task: from then on the id is taken for good and the task counts as accepted.</summary>
    public bool Enqueued { get; set; }

    /// <summary>The request that wrote this record gave up before it was accepted (busy, queue unreachable): another may take the id at once.</summary>
    public bool Withdrawn { get; set; }

    /// <summary>A token unique to the request that wrote the record; its queue message carries the same one.</summary>
    public string? Claim { get; init; }

    /// <summary>The canonical task, read by the dispatcher when its queue message only points here.</summary>
    public required SdTask Task { get; init; }
}
