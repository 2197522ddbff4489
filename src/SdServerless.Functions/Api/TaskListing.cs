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
    /// <summary>The page size when the request names none.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The largest page a request may ask for: each task on it is one to three object reads.</summary>
    public const int MaxLimit = 100;

    /// <summary>Index entries one filtered request reads at most, so that a rare status cannot make it scan everything.</summary>
    private const int MaxScannedPerLimit = 10;

    /// <summary>Status reads in flight at once (each is one to three object reads).</summary>
    private const int ReadConcurrency = 16;

    /// <summary>One page of the listing.</summary>
    /// <param name="Tasks">The tasks, newest first.</param>
    /// <param name="NextCursor">The cursor of the next page; null on the last one.</param>
    public sealed record Page(IReadOnlyList<TaskStatusView> Tasks, string? NextCursor);

    /// <summary>One page: up to <paramref name="limit"/> tasks, newest first, after the previous page's last.</summary>
    /// <param name="status">Only tasks with this status; null: all.</param>
    /// <param name="limit">The page size, 1 to <see cref="MaxLimit"/>; a filtered page may hold fewer and still have a next page.</param>
    /// <param name="after">The last index key of the previous page (from <see cref="DecodeCursor"/>), or null.</param>
    /// <param name="cancellationToken">Ends the reads.</param>
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
