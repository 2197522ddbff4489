using SdServerless.Core.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Api;
using SdServerless.Functions.Dispatch;
using SdServerless.Local.Queueing;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Local.Hosting;

/// <summary>
/// Where a queued task stands, which the local host knows exactly: 1 + the tasks ahead of it in its runtime's queue (arrival
/// order, the order the dispatcher takes them) that are not running yet. A task ahead that a dispatcher already holds
/// but that still waits for a GPU counts; one whose request is with a server does not.
/// </summary>
public sealed class LocalQueuePositions(IReadOnlyList<FileTaskQueue> queues, IObjectStore store) : IQueuePositions
{
    /// <inheritdoc/>
    public async Task<long?> PositionAsync(string id, CancellationToken cancellationToken)
    {
        foreach (var queue in queues)
        {
            if (Ahead(queue, id) is { } ahead)
            {
                return await CountWaitingAsync(ahead, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>The tasks ahead of <paramref name="id"/> in the queue; null when the queue does not hold it.</summary>
    private static List<string>? Ahead(FileTaskQueue queue, string id)
    {
        var ahead = new List<string>();
        foreach (var body in queue.Bodies())
        {
            if (TaskMessageReader.Parse(body)?.IdTask is not { } other)
            {
                continue;
            }

            if (other == id)
            {
                return ahead;
            }

            ahead.Add(other);
        }

        return null;
    }

    private async Task<long> CountWaitingAsync(List<string> ahead, CancellationToken cancellationToken)
    {
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
