using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>
/// Where a task stands, read from its documents: what GET /v1alpha2/tasks/{id} and each item of the listing show
/// (<see cref="ToBody"/>), and what a cancel decides on.
/// </summary>
/// <param name="Record">The accepted request: id, runtime, output location, creation time.</param>
/// <param name="Status">The task's status as its newest document says.</param>
/// <param name="Images">The s3:// locations of the images written.</param>
/// <param name="Error">Why the task failed or was cancelled; null otherwise.</param>
/// <param name="Attempts">Dispatch attempts so far.</param>
/// <param name="UpdatedAt">When the newest document was written.</param>
/// <param name="WaitingFor">Why a queued task waits (<see cref="WaitingReasons"/>); null otherwise.</param>
/// <param name="Progress">A running task's share done (0..1), from its server.</param>
/// <param name="EtaSeconds">A running task's remaining seconds as its server estimates them; null when unknown.</param>
/// <param name="QueuePosition">A queued task's place in its queue, where the host knows it.</param>
public sealed record TaskStatusView(
    TaskRecord Record,
    TaskStatus Status,
    IReadOnlyList<string> Images,
    TaskError? Error,
    int Attempts,
    DateTimeOffset UpdatedAt,
    string? WaitingFor = null,
    double? Progress = null,
    double? EtaSeconds = null,
    long? QueuePosition = null)
{
    /// <summary>The JSON clients read: a running task's progress clamped to 0..1 and its eta rounded to a tenth.</summary>
    public TaskStatusBody ToBody()
    {
        var body = new TaskStatusBody(Record.IdTask, Record.Task.Runtime, Status, WaitingFor, Record.OutputLocation, Images, Error,
            Status == TaskStatus.Queued ? QueuePosition : null, Attempts, Record.CreatedAt, UpdatedAt);
        // Progress is 0 until the dispatcher has read the server's progress once.
        return Status == TaskStatus.Running
            ? new RunningTaskStatusBody(body, Math.Clamp(Progress ?? 0, 0, 1), EtaSeconds is { } eta ? Math.Round(Math.Max(0, eta), 1) : null)
            : body;
    }
}
