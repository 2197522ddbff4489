using System.Text.Json.Serialization;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>
/// The JSON of GET /v1alpha2/tasks/{id}, and of each task in the listing. Members keep the order clients have
/// always seen: a running task's progress and eta come after the error, a queued task's position before the attempts.
/// A running task is a <see cref="RunningTaskStatusBody"/>, the only one whose eta is written even when unknown (null).
/// </summary>
/// <param name="IdTask">The task's id.</param>
/// <param name="Runtime">The runtime that runs the task.</param>
/// <param name="Status">queued, running, succeeded, failed or cancelled.</param>
/// <param name="WaitingFor">Why a queued task waits; written as null for any other task.</param>
/// <param name="OutputLocation">The s3:// prefix the images are written under.</param>
/// <param name="Images">The s3:// locations of the images written so far; empty until the task finished.</param>
/// <param name="Error">Written as null unless the task failed or was cancelled.</param>
/// <param name="QueuePosition">Left out unless the task is queued and the host knows where it stands.</param>
/// <param name="Attempts">Dispatch attempts so far.</param>
/// <param name="CreatedAt">When the task was accepted.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
[JsonDerivedType(typeof(RunningTaskStatusBody))]
public record TaskStatusBody(
    string IdTask,
    string Runtime,
    TaskStatus Status,
    string? WaitingFor,
    string OutputLocation,
    IReadOnlyList<string> Images,
    TaskError? Error,
    [property: JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? QueuePosition,
    [property: JsonPropertyOrder(3)] int Attempts,
    [property: JsonPropertyOrder(3)] DateTimeOffset CreatedAt,
    [property: JsonPropertyOrder(3)] DateTimeOffset UpdatedAt);

/// <summary>A running task's status: its share done (0..1) and the seconds its server expects to need, or null.</summary>
public sealed record RunningTaskStatusBody : TaskStatusBody
{
    /// <summary>The status of <paramref name="status"/> with the progress the server reported.</summary>
    /// <param name="status">Everything but the progress.</param>
    /// <param name="progress">The share done, already clamped to 0..1.</param>
    /// <param name="etaSeconds">The server's estimate, already rounded; null when it gave none.</param>
    public RunningTaskStatusBody(TaskStatusBody status, double progress, double? etaSeconds)
        : base(status)
    {
        Progress = progress;
        EtaSeconds = etaSeconds;
    }

    /// <summary>The share done, 0..1; 0 until the dispatcher first read the server's progress.</summary>
    [JsonPropertyOrder(1)]
    public double Progress { get; }

    /// <summary>Seconds the server expects to need, to a tenth; written as null when unknown.</summary>
    [JsonPropertyOrder(1)]
    public double? EtaSeconds { get; }
}

/// <summary>The JSON of GET /v1alpha2/tasks: one page of tasks, newest first.</summary>
/// <param name="Tasks">The page's tasks, newest first.</param>
/// <param name="NextCursor">The cursor of the next page; written as null on the last page.</param>
public sealed record TaskListBody(IReadOnlyList<TaskStatusBody> Tasks, string? NextCursor);

/// <summary>The answer to a cancel: "cancelling" while the task is stopped, "cancelled" once it was.</summary>
public sealed record CancelBody(string IdTask, string Status);
