using System.Buffers.Text;
using System.Text;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>
/// GET /v1alpha2/tasks: accepted tasks, newest first, one page at a time. S3 lists keys in lexicographic order only,
/// so acceptance writes an index object whose name sorts newest first (<see cref="TaskKeys.Index"/>); a page lists
/// that prefix after the cursor's key and reads each task's status like GET /v1alpha2/tasks/{id} does.
/// </summary>
public sealed class TaskListing(IObjectStore store, TaskStatusReader statusReader)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Index entries one filtered request reads at most, so that a rare status cannot make it scan everything.</summary>
    private const int MaxScannedPerLimit = 10;

    /// <summary>Status reads in flight at once (each is one to three object reads).</summary>
    private const int ReadConcurrency = 16;

    public sealed record Page(IReadOnlyList<TaskStatusView> Tasks, string? NextCursor);

    /// <param name="after">The last index key of the previous page (from <see cref="DecodeCursor"/>), or null.</param>
    public async Task<Page> ListAsync(TaskStatus? status, int limit, string? after, CancellationToken cancellationToken)
    {
        var tasks = new List<TaskStatusView>();
        var scanned = 0;
        var more = true;
        while (tasks.Count < limit && scanned < limit * MaxScannedPerLimit)
        {
            var want = limit - tasks.Count;
            var keys = await store.ListPageAsync(TaskKeys.IndexPrefix, after, want + 1, cancellationToken);
            var batch = keys.Take(want).ToList();
            var views = await ReadAsync(batch, cancellationToken);
            for (var i = 0; i < batch.Count; i++)
            {
                after = batch[i].Key;
                scanned++;
                if (views[i] is { } view && (status is null || view.Status == status))
                {
                    tasks.Add(view);
                }
            }

            if (keys.Count <= want)
            {
                more = false;
                break;
            }
        }

        return new Page(tasks, more && after is not null ? EncodeCursor(after) : null);
    }

    /// <summary>The index key a cursor names, or null when the cursor is not one this listing made.</summary>
    public static string? DecodeCursor(string cursor)
    {
        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return TaskKeys.ParseIndex(key) is null ? null : key;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string EncodeCursor(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    private async Task<TaskStatusView?[]> ReadAsync(IReadOnlyList<ObjectInfo> keys, CancellationToken cancellationToken)
    {
        var views = new TaskStatusView?[keys.Count];
        await Parallel.ForAsync(0, keys.Count, new ParallelOptions { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            if (TaskKeys.ParseIndex(keys[i].Key) is not { } entry)
            {
                return;
            }

            var view = await statusReader.ReadAsync(entry.Id, ct, withQueuePosition: false);

            // An entry left by a request that was not accepted, or by an earlier record of an id that another request
            // then took (its enqueue had failed), does not name the task the id holds now.
            views[i] = view is not null && TaskKeys.Index(view.Record.CreatedAt, entry.Id) == keys[i].Key ? view : null;
        });
        return views;
    }
}
