using System.Runtime.InteropServices;
using System.Text.Json;
using SdServerless.Core.Images;
using SdServerless.Core.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>Writes a task's outputs, its state.json while it runs, and its result.json last; reads its cancel marker.</summary>
public sealed class TaskOutputWriter(IObjectStore store)
{
    private const string JsonContentType = "application/json";

    /// <summary>Stores image <paramref name="number"/> as PREFIX/ID/ID-N.EXT, the extension and type taken from its bytes.</summary>
    public async Task<TaskResultImage> WriteImageAsync(SdTask task, int number, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        var format = ImageFormatSniffer.DetectOutput(image.Span);
        var key = TaskKeys.Output(task.Prefix, task.Id, number, format.Extension);
        await using (var content = AsStream(image))
        {
            await store.PutAsync(key, content, format.ContentType, cancellationToken);
        }

        return new TaskResultImage(key, TaskKeys.S3Uri(store.BucketName, key), format.ContentType, image.Length);
    }

    public async Task<bool> ResultExistsAsync(SdTask task, CancellationToken cancellationToken) =>
        await store.GetAsync(TaskKeys.Result(task.Prefix, task.Id), cancellationToken) is not null;

    /// <summary>The client cancelled the task (the API left cancel.json beside its record).</summary>
    public async Task<bool> CancelRequestedAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(TaskKeys.Cancel(id), cancellationToken) is not null;

    public async Task WriteStateAsync(TaskState state, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(state, CoreJsonContext.Default.TaskState);
        await using var content = new MemoryStream(bytes, writable: false);
        await store.PutAsync(TaskKeys.State(state.IdTask), content, JsonContentType, cancellationToken);
    }

    /// <summary>
    /// Creates result.json only if none exists, so that a task finishes (and its callback fires) once even when two
    /// deliveries of its message overlap. False when another delivery finished it first.
    /// </summary>
    public async Task<bool> WriteResultAsync(SdTask task, TaskResult result, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(result, CoreJsonContext.Default.TaskResult);
        return await store.TryCreateAsync(TaskKeys.Result(task.Prefix, task.Id), bytes, JsonContentType, cancellationToken);
    }

    /// <summary>A read-only view of pooled bytes: no copy on the way to the store.</summary>
    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
