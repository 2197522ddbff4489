using SdServerless.Core.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>
/// A client's cancel: the API only leaves a marker (cancel.json) beside the task's record, because only the dispatcher
/// talks to GPU servers. The dispatcher reads it when it receives the task (a queued task never reaches SD Web UI) and
/// about once a second while the task runs (it then interrupts the task's server and keeps the images made so far).
/// </summary>
public sealed class TaskCancellation(IObjectStore store, TaskStatusReader statusReader, TimeProvider clock)
{
    /// <returns>Null for an unknown task; else the task's status, after writing the marker when it is not finished.</returns>
    public async Task<(TaskStatusView View, bool Requested)?> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var view = await statusReader.ReadAsync(id, cancellationToken);
        if (view is null)
        {
            return null;
        }

        if (IsFinished(view.Status))
        {
            return (view, false);
        }

        // Put, not create-if-absent: a second cancel changes nothing the dispatcher reads, and must not fail.
        var marker = new CancelRequest { IdTask = id, RequestedAt = clock.GetUtcNow() };
        await store.PutJsonAsync(TaskKeys.Cancel(id), marker, CoreJsonContext.Default.CancelRequest, cancellationToken);
        return (view, true);
    }

    /// <summary>Whether the status is final: such a task has nothing left to cancel.</summary>
    public static bool IsFinished(TaskStatus status) => status is TaskStatus.Succeeded or TaskStatus.Failed or TaskStatus.Cancelled;
}
