using System.Text.Json.Serialization;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>
/// The JSON of GET /v1alpha2/tasks/{id}, and of each task in the listing. Members keep the order clients have
/// always seen: a running task's progress and eta come after the error, a queued task's position before the attempts.
/// A running task is a <see cref="RunningTaskStatusBody"/>, the only one whose eta is written even when unknown (null).
/// </summary>
/// <param name="WaitingFor">Why a queued task waits; written as null for any other task.</param>
/// <param name="Error">Written as null unless the task failed or was cancelled.</param>
/// <param name="QueuePosition">Left out unless the task is queued and the host knows where it stands.</param>
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
    public RunningTaskStatusBody(TaskStatusBody status, double progress, double? etaSeconds)
        : base(status)
    {
        Progress = progress;
        EtaSeconds = etaSeconds;
    }

    [JsonPropertyOrder(1)]
    public double Progress { get; }

    [JsonPropertyOrder(1)]
    public double? EtaSeconds { get; }
}

/// <summary>The JSON of GET /v1alpha2/tasks: one page of tasks, newest first.</summary>
/// <param name="NextCursor">The cursor of the next page; written as null on the last page.</param>
public sealed record TaskListBody(IReadOnlyList<TaskStatusBody> Tasks, string? NextCursor);

/// <summary>The answer to a cancel: "cancelling" while the task is stopped, "cancelled" once it was.</summary>
public sealed record CancelBody(string IdTask, string Status);
