using System.Text.Json;
using SdServerless.Core.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>
/// The status of a task, derived from its three documents without any of them being rewritten by two writers:
/// result.json (final) over state.json (the dispatcher's progress) over request.json (accepted, queued).
/// </summary>
/// <param name="store">Where the task's documents are.</param>
/// <param name="queuePositions">Where a queued task stands in its queue, when the host can know (the local host); null on AWS.</param>
public sealed class TaskStatusReader(IObjectStore store, Func<string, CancellationToken, Task<long?>>? queuePositions = null)
{
    /// <summary>The task's status; null when no task has this id.</summary>
    /// <param name="id">The task's id.</param>
    /// <param name="cancellationToken">Ends the reads.</param>
    /// <param name="withQueuePosition">False in listings: a position costs a look at the whole queue.</param>
    public async Task<TaskStatusView?> ReadAsync(string id, CancellationToken cancellationToken, bool withQueuePosition = true)
    {
        var record = await store.GetJsonAsync(TaskKeys.Request(id), CoreJsonContext.Default.TaskRecord, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var task = record.Task;
        var result = await store.GetJsonAsync(TaskKeys.Result(task.Prefix, id), CoreJsonContext.Default.TaskResult, cancellationToken);
        if (result is not null)
        {
            return new TaskStatusView(record, result.Status, result.Images.Select(i => i.S3Uri).ToList(),
                result.Status is TaskStatus.Failed or TaskStatus.Cancelled ? result.Error : null, result.Attempts, result.CompletedAt);
        }

        var state = await ReadStateAsync(id, cancellationToken);
        if (state is not null)
        {
            var waitingFor = state.Status == TaskStatus.Queued ? state.WaitingFor : null;
            return new TaskStatusView(record, state.Status, [], null, state.Attempts, state.UpdatedAt, waitingFor, state.Progress, state.EtaSeconds,
                state.Status == TaskStatus.Queued ? await PositionAsync(id, withQueuePosition, cancellationToken) : null);
        }

        // A record whose enqueue never succeeded was not accepted.
        return record.Enqueued ? new TaskStatusView(record, TaskStatus.Queued, [], null, 0, record.CreatedAt, QueuePosition: await PositionAsync(id, withQueuePosition, cancellationToken)) : null;
    }

    private async Task<long?> PositionAsync(string id, bool wanted, CancellationToken cancellationToken) =>
        queuePositions is null || !wanted ? null : await queuePositions(id, cancellationToken);

    /// <summary>
    /// state.json is a progress hint that a store may keep without flushing it to disk (the local host does): one cut
    /// short by a power failure reads as no state at all, and the task as queued until its next attempt rewrites it.
    /// </summary>
    private async Task<TaskState?> ReadStateAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetJsonAsync(TaskKeys.State(id), CoreJsonContext.Default.TaskState, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
