namespace SdServerless.Core.Tasks;

/// <summary>state.json: the dispatcher's progress on a task before its result.json exists.</summary>
public sealed class TaskState
{
    public required string IdTask { get; init; }

    public required TaskStatus Status { get; init; }

    public required int Attempts { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

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
