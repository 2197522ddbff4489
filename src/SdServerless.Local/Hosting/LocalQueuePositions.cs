using SdServerless.Core.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Dispatch;
using SdServerless.Local.Queueing;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Local.Hosting;

/// <summary>
/// Where a queued task stands, which the local host knows exactly: 1 + the tasks ahead of it in its queue (arrival
/// order, the order the dispatcher takes them) that are not running yet. A task ahead that a dispatcher already holds
/// but that still waits for a GPU counts; one whose request is with a server does not.
/// </summary>
public sealed class LocalQueuePositions(FileTaskQueue queue, IObjectStore store)
{
    public async Task<long?> PositionAsync(string id, CancellationToken cancellationToken)
    {
        var ahead = new List<string>();
        var found = false;
        foreach (var body in queue.Bodies())
        {
            if (TaskMessageReader.Parse(body)?.IdTask is not { } other)
            {
                continue;
            }

            if (other == id)
            {
                found = true;
                break;
            }

            ahead.Add(other);
        }

        if (!found)
        {
            return null;
        }

        long position = 1;
        foreach (var other in ahead)
        {
            var state = await ReadStateAsync(other, cancellationToken);
            if (state?.Status != TaskStatus.Running)
            {
                position++;
            }
        }

        return position;
    }

    private async Task<TaskState?> ReadStateAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetJsonAsync(TaskKeys.State(id), CoreJsonContext.Default.TaskState, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
