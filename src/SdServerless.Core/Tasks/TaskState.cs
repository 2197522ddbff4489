namespace SdServerless.Core.Tasks;

/// <summary>state.json: the dispatcher's progress on a task before its result.json exists.</summary>
public sealed class TaskState
{
    /// <summary>The task id (JSON id_task).</summary>
    public required string IdTask { get; init; }

    /// <summary>Queued (waiting for a server or a retry) or running; the outcome is only in result.json.</summary>
    public required TaskStatus Status { get; init; }

    /// <summary>Calls that reached SD Web UI so far.</summary>
    public required int Attempts { get; init; }

    /// <summary>When the first attempt started on a server; null until then.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the dispatcher last wrote this file.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Share of the generation done (0..1), from the server's /sdapi/v1/progress while the task runs.</summary>
    public double? Progress { get; init; }

    /// <summary>The server's estimate of the seconds left, while the task runs.</summary>
    public double? EtaSeconds { get; init; }

    /// <summary>The last transient error, while the task waits for its next attempt.</summary>
    public TaskError? LastError { get; init; }

    /// <summary>Why a queued task waits: <see cref="WaitingReasons.Capacity"/>, <see cref="WaitingReasons.RetryBackoff"/>, or null.</summary>
    public string? WaitingFor { get; init; }
}
