using System.Runtime.InteropServices;
using System.Text.Json;
using SdServerless.Core;
using SdServerless.Core.Images;
using SdServerless.Core.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Json;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Writes a task's outputs, its state.json while it runs, and its result.json last; reads its cancel marker.
/// A run's images are staged under <c>_sdserverless/tasks/ID/attempts/TOKEN/</c>; finishing a run creates
/// commit.json only if none exists, and only the committed run's images are then copied to the keys users see
/// (PREFIX/ID/ID-N.EXT) before result.json is created from the commit. Two runs of one task (a redelivery while the
/// first still writes) thus never mix: result.json lists exactly the objects stored under its keys, whichever run
/// wins. A run that crashes after its commit is published by the next delivery (<see cref="ResultExistsAsync"/>).
/// </summary>
public sealed class TaskOutputWriter(IObjectStore store)
{
    private const string JsonContentType = "application/json";
    private static readonly AsyncLocal<OutputAttempt?> Current = new();

    /// <summary>
    /// Starts a run: images written in this asynchronous flow until it is disposed are staged for it, and
    /// <see cref="WriteResultAsync"/> commits them.
    /// </summary>
    public OutputAttempt BeginAttempt(SdTask task)
    {
        var previous = Current.Value;
        var attempt = new OutputAttempt(task.Id, () => Current.Value = previous);
        Current.Value = attempt;
        return attempt;
    }

    /// <summary>
    /// Stores image <paramref name="number"/>, the extension and type taken from its bytes; the answer names the key
    /// it will have (PREFIX/ID/ID-N.EXT) once its run commits.
    /// </summary>
    public async Task<TaskResultImage> WriteImageAsync(SdTask task, int number, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        var format = ImageFormatSniffer.DetectOutput(image.Span);
        var key = TaskKeys.Output(task.Prefix, task.Id, number, format.Extension);
        var attempt = Current.Value is { } current && current.TaskId == task.Id ? current : null;
        var target = attempt is null ? key : $"{AttemptsFolder(task.Id)}{attempt.Token}/{key[(key.LastIndexOf('/') + 1)..]}";
        await using (var content = AsStream(image))
        {
            await store.PutAsync(target, content, format.ContentType, cancellationToken);
        }

        attempt?.Add(new StagedImage(target, key));
        return new TaskResultImage(key, TaskKeys.S3Uri(store.BucketName, key), format.ContentType, image.Length);
    }

    /// <summary>True when the task is finished: its result.json exists, or a committed run is published now.</summary>
    public async Task<bool> ResultExistsAsync(SdTask task, CancellationToken cancellationToken)
    {
        // Both at once, the commit only counting when result.json is absent: a finished task's commit may be gone by
        // the time it is read, and a task that was not finished when result.json was read may have committed since.
        var result = store.GetAsync(TaskKeys.Result(task.Prefix, task.Id), cancellationToken);
        var committed = ReadCommitAsync(task, cancellationToken);
        try
        {
            if (await result is not null)
            {
                return true;
            }
        }
        finally
        {
            // A commit that fails to read is no concern of a finished task's; otherwise it is awaited below.
            await committed.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        if (await committed is not { } commit)
        {
            return false;
        }

        await PublishAsync(task, commit, cancellationToken);
        return true;
    }

    /// <summary>The client cancelled the task (the API left cancel.json beside its record).</summary>
    public async Task<bool> CancelRequestedAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(TaskKeys.Cancel(id), cancellationToken) is not null;

    /// <summary>Writes state.json, which only the dispatcher writes; a lost one is rewritten by the next attempt.</summary>
    public async Task WriteStateAsync(TaskState state, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(state, CoreJsonContext.Default.TaskState);
        await using var content = new MemoryStream(bytes, writable: false);
        await store.PutAsync(TaskKeys.State(state.IdTask), content, JsonContentType, cancellationToken);
    }

    /// <summary>
    /// Commits this run (the current <see cref="OutputAttempt"/>) if no run committed before, then publishes whichever
    /// run committed: its images, then result.json, created only if none exists. False when another run won, so that
    /// a task finishes (and its callback fires) once even when two deliveries of its message overlap.
    /// </summary>
    public async Task<bool> WriteResultAsync(SdTask task, TaskResult result, CancellationToken cancellationToken)
    {
        var attempt = Current.Value is { } current && current.TaskId == task.Id ? current : null;
        var commit = new TaskCommit { Result = result, Images = attempt?.Staged.ToList() ?? [] };
        var won = await store.TryCreateAsync(
            CommitKey(task.Id), JsonSerializer.SerializeToUtf8Bytes(commit, FunctionsJsonContext.Default.TaskCommit), JsonContentType, cancellationToken) is not null;
        if (!won)
        {
            await DeleteAsync(commit.Images.Select(i => i.StagedKey), cancellationToken);
            commit = await ReadCommitAsync(task, cancellationToken)
                ?? throw new DependencyUnavailableException($"the commit of task {task.Id} vanished while it was read");
        }

        var created = await PublishAsync(task, commit, cancellationToken);
        return won && created;
    }

    /// <summary>Copies the committed images into place, creates result.json, then drops every staged object.</summary>
    private async Task<bool> PublishAsync(SdTask task, TaskCommit commit, CancellationToken cancellationToken)
    {
        var resultKey = TaskKeys.Result(task.Prefix, task.Id);
        if (await store.GetAsync(resultKey, cancellationToken) is not null)
        {
            return false;
        }

        foreach (var image in commit.Images)
        {
            if (!await store.CopyAsync(image.StagedKey, image.Key, cancellationToken)
                && await store.GetAsync(resultKey, cancellationToken) is null)
            {
                throw new DependencyUnavailableException($"the staged image {image.StagedKey} of task {task.Id} is missing");
            }
        }

        var created = await store.TryCreateAsync(
            resultKey, JsonSerializer.SerializeToUtf8Bytes(commit.Result, CoreJsonContext.Default.TaskResult), JsonContentType, cancellationToken) is not null;
        await DeleteAsync((await store.ListAsync(AttemptsFolder(task.Id), cancellationToken)).Select(o => o.Key), cancellationToken);
        return created;
    }

    /// <summary>Best effort: a staged object left behind is bookkeeping litter, never part of a result.</summary>
    private async Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var key in keys)
            {
                await store.DeleteAsync(key, cancellationToken);
            }
        }
        catch (DependencyUnavailableException)
        {
        }
    }

    private async Task<TaskCommit?> ReadCommitAsync(SdTask task, CancellationToken cancellationToken) =>
        await store.GetAsync(CommitKey(task.Id), cancellationToken) is { } stored
            ? JsonSerializer.Deserialize(stored.Content.Span, FunctionsJsonContext.Default.TaskCommit)
            : null;

    private static string CommitKey(string id) => $"{TaskKeys.ReservedSegment}/tasks/{id}/commit.json";

    private static string AttemptsFolder(string id) => $"{TaskKeys.ReservedSegment}/tasks/{id}/attempts/";

    /// <summary>A read-only view of pooled bytes: no copy on the way to the store.</summary>
    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
