namespace SdServerless.Core.Tasks;

/// <summary>
/// request.json: written by the API when a task is accepted. Created only if none exists (the id is the
/// idempotency key); <see cref="Enqueued"/> turns true once the queue holds the task, and only then is it accepted.
/// </summary>
public sealed class TaskRecord
{
    public required string IdTask { get; init; }

    /// <summary>SHA-256 of the request body's canonical JSON: the same id with another hash is a conflict.</summary>
    public required string RequestHash { get; init; }

    public required string OutputLocation { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool Enqueued { get; set; }

    public required SdTask Task { get; init; }
}
