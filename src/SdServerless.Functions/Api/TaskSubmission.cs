using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Configuration;
using SdServerless.Core.Json;
using SdServerless.Core.Pool;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Api;

/// <summary>
/// Accepts a validated task exactly once. The id is the idempotency key: request.json is created only if none exists,
/// carrying a claim unique to this request, and the task counts as accepted only once the queue holds it and the
/// record says Enqueued, marked by a conditional replace of the version this request wrote. A record that is not
/// enqueued changes hands only by a conditional replace, once its writer withdrew it (busy, queue unreachable) or
/// after <see cref="TakeoverGrace"/> (its writer died); a request that finds one being accepted right now waits for
/// the outcome. So of any number of concurrent requests for one id exactly one is accepted: the others get the same
/// answer (same body) or a conflict. A message sent by a request that then lost the record carries a stale claim and
/// the dispatcher drops it. A task goes to its runtime's queue, and that queue's depth alone decides backpressure: one
/// runtime's backlog never turns another's tasks away.
/// </summary>
/// <param name="store">Where request.json is created and replaced.</param>
/// <param name="queues">Each runtime's task queue.</param>
/// <param name="options">The queue depth limit.</param>
/// <param name="clock">Claims' times and the takeover grace.</param>
/// <param name="logger">Reports each acceptance, takeover and failure.</param>
/// <param name="registry">Where an accepted task's checkpoint is counted (<see cref="IPoolRegistry.RecordDemandAsync"/>); null: nowhere.</param>
public sealed class TaskSubmission(
    IObjectStore store,
    TaskQueues queues,
    SdServerlessOptions options,
    TimeProvider clock,
    ILogger<TaskSubmission> logger,
    IPoolRegistry? registry = null)
{
    /// <summary>A record neither enqueued nor withdrawn for this long belongs to a request that died: it may be taken over.</summary>
    public static readonly TimeSpan TakeoverGrace = TimeSpan.FromSeconds(30);

    /// <summary>How long a request waits for another one that is accepting the same id before it answers 503.</summary>
    public static readonly TimeSpan PendingWait = TimeSpan.FromSeconds(10);

    /// <summary>Accepts the task once, or says why not; never throws for an unreachable queue or store (that is Unavailable).</summary>
    /// <param name="task">The validated task; its id is the idempotency key.</param>
    /// <param name="requestHash">The request's <see cref="Core.Tasks.RequestHash"/>: the same id with another hash is a conflict.</param>
    /// <param name="cancellationToken">Ends the wait for a concurrent request and the writes.</param>
    public async Task<SubmissionOutcome> SubmitAsync(SdTask task, string requestHash, CancellationToken cancellationToken)
    {
        try
        {
            return await SubmitCoreAsync(task, requestHash, cancellationToken);
        }
        catch (DependencyUnavailableException ex)
        {
            logger.LogWarning("Task {TaskId} not accepted: {Reason}", task.Id, ex.Message);
            return new SubmissionOutcome(SubmissionResult.Unavailable, null, ex.Message);
        }
    }

    private async Task<SubmissionOutcome> SubmitCoreAsync(SdTask task, string requestHash, CancellationToken cancellationToken)
    {
        var key = TaskKeys.Request(task.Id);
        var record = new TaskRecord
        {
            IdTask = task.Id,
            RequestHash = requestHash,
            OutputLocation = TaskKeys.OutputLocation(store.BucketName, task.Prefix, task.Id),
            CreatedAt = clock.GetUtcNow(),
            Claim = Guid.NewGuid().ToString("N"),
            Task = task,
        };

        var waitUntil = clock.GetUtcNow() + PendingWait;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await store.TryCreateJsonAsync(key, record, CoreJsonContext.Default.TaskRecord, cancellationToken) is { } created)
            {
                return await EnqueueAsync(record, created, cancellationToken);
            }

            var found = await ReadAsync(key, cancellationToken);
            if (found is not (var existing, var eTag))
            {
                // Gone between our create and read (a withdrawal by an older version of this code deleted it): again.
                if (clock.GetUtcNow() >= waitUntil)
                {
                    return new SubmissionOutcome(SubmissionResult.Unavailable, null, "the task record changed while it was read");
                }

                continue;
            }

            if (existing.Enqueued)
            {
                return Settled(existing, requestHash);
            }

            var takeable = existing.Withdrawn || clock.GetUtcNow() - existing.CreatedAt >= TakeoverGrace;
            if (takeable)
            {
                if (await store.TryReplaceJsonAsync(key, record, CoreJsonContext.Default.TaskRecord, eTag, cancellationToken))
                {
                    logger.LogInformation("Task {TaskId}: took over a record that was never accepted", task.Id);
                    return await EnqueueAsync(record, createdETag: null, cancellationToken);
                }

                continue;
            }

            // Another request is accepting this id at this moment: its outcome decides ours.
            if (clock.GetUtcNow() >= waitUntil)
            {
                return existing.RequestHash == requestHash
                    ? new SubmissionOutcome(SubmissionResult.Unavailable, null, "the same request is being accepted by another call")
                    : new SubmissionOutcome(SubmissionResult.Conflict, existing);
            }

            await Task.Delay(pause, clock, cancellationToken);
            pause = Backoff.Next(pause, TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>
    /// Sends the task and marks the record enqueued, unless the record stopped being this request's. The version to
    /// mark is the one this request created (its ETag came with the create: no read between the client and the queue)
    /// or, after a takeover, the one read back; a record taken over meanwhile fails the mark, and its message is dropped.
    /// </summary>
    private async Task<SubmissionOutcome> EnqueueAsync(TaskRecord record, string? createdETag, CancellationToken cancellationToken)
    {
        var key = TaskKeys.Request(record.IdTask);
        var eTag = createdETag;
        if (eTag is null)
        {
            var found = await ReadAsync(key, cancellationToken);
            if (found is not (var written, var readETag) || written.Claim != record.Claim)
            {
                return await LostAsync(record, cancellationToken);
            }

            eTag = readETag;
        }

        var queue = queues.For(record.Task.Runtime);
        if (options.QueueDepthLimit > 0 && await queue.GetApproximateDepthAsync(cancellationToken) >= options.QueueDepthLimit)
        {
            await WithdrawAsync(record, eTag, cancellationToken);
            return new SubmissionOutcome(SubmissionResult.Busy, null);
        }

        // The index entry and the message at once (a round trip less before the dispatcher sees the task); the task is
        // accepted only when both are written, so an accepted task is always listed, and an entry whose task was not
        // accepted is skipped.
        var listed = store.TryCreateAsync(TaskKeys.Index(record.CreatedAt, record.IdTask), IndexEntry(record.IdTask), "application/json", cancellationToken);
        var sent = queue.SendAsync(BuildMessage(record), TimeSpan.Zero, cancellationToken);
        try
        {
            await Task.WhenAll((Task)listed, sent);
        }
        catch (DependencyUnavailableException)
        {
            // Had the message reached the queue after all, its claim dies with the withdrawal: the dispatcher drops it.
            await WithdrawAsync(record, eTag, CancellationToken.None);
            throw;
        }

        record.Enqueued = true;
        var marked = store.TryReplaceJsonAsync(key, record, CoreJsonContext.Default.TaskRecord, eTag, cancellationToken);

        // Never throws: a count that fails is logged.
        await CountDemandAsync(record.Task, cancellationToken);
        if (!await marked)
        {
            // Taken over between our read and now (we outlived the grace): our message will be dropped.
            logger.LogWarning("Task {TaskId}: the record was taken over before it was marked accepted", record.IdTask);
            return await LostAsync(record, cancellationToken);
        }

        logger.LogInformation("Task {TaskId} accepted for runtime {Runtime}", record.IdTask, record.Task.Runtime);
        return new SubmissionOutcome(SubmissionResult.Accepted, record);
    }

    /// <summary>
    /// Counts the task's checkpoint for the pool (while the record is marked accepted, so it costs no extra wait); a
    /// count that fails only costs the pool a hint, never the submission.
    /// </summary>
    private async Task CountDemandAsync(SdTask task, CancellationToken cancellationToken)
    {
        if (registry is null || task.Model is not { } model)
        {
            return;
        }

        try
        {
            await registry.RecordDemandAsync(task.Runtime, model, cancellationToken);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            logger.LogWarning("Task {TaskId}: its checkpoint was not counted for the pool ({Error})", task.Id, e.Message);
        }
    }

    /// <summary>The answer for a request whose record was taken over by another one.</summary>
    private async Task<SubmissionOutcome> LostAsync(TaskRecord record, CancellationToken cancellationToken)
    {
        var current = (await ReadAsync(TaskKeys.Request(record.IdTask), cancellationToken))?.Record;
        if (current is { Enqueued: true })
        {
            return Settled(current, record.RequestHash);
        }

        return current?.RequestHash is { } hash && hash != record.RequestHash
            ? new SubmissionOutcome(SubmissionResult.Conflict, current)
            : new SubmissionOutcome(SubmissionResult.Unavailable, null, "another call for the same id took the task over");
    }

    private static SubmissionOutcome Settled(TaskRecord accepted, string requestHash) =>
        accepted.RequestHash == requestHash
            ? new SubmissionOutcome(SubmissionResult.Replayed, accepted)
            : new SubmissionOutcome(SubmissionResult.Conflict, accepted);

    /// <summary>Best effort: a record left unwithdrawn can still be taken over after the grace period.</summary>
    private async Task WithdrawAsync(TaskRecord record, string eTag, CancellationToken cancellationToken)
    {
        record.Withdrawn = true;
        try
        {
            await store.TryReplaceJsonAsync(TaskKeys.Request(record.IdTask), record, CoreJsonContext.Default.TaskRecord, eTag, cancellationToken);
        }
        catch (DependencyUnavailableException e)
        {
            logger.LogWarning("Task {TaskId}: its record was not withdrawn ({Reason})", record.IdTask, e.Message);
        }
    }

    private async Task<(TaskRecord Record, string ETag)?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(key, cancellationToken);
        return stored is null || JsonSerializer.Deserialize(stored.Content.Span, CoreJsonContext.Default.TaskRecord) is not { } record
            ? null
            : (record, stored.ETag);
    }

    /// <summary>The key carries all a listing needs; the body names the task for a person browsing the bucket.</summary>
    private static byte[] IndexEntry(string id) => System.Text.Encoding.UTF8.GetBytes($"{{\"id_task\":\"{JsonEncodedText.Encode(id)}\"}}");

    private static string BuildMessage(TaskRecord record)
    {
        var inline = JsonSerializer.Serialize(
            new TaskMessage { IdTask = record.IdTask, Task = record.Task, Claim = record.Claim }, CoreJsonContext.Default.TaskMessage);
        if (System.Text.Encoding.UTF8.GetByteCount(inline) <= TaskMessage.MaxInlineBytes)
        {
            return inline;
        }

        return JsonSerializer.Serialize(
            new TaskMessage { IdTask = record.IdTask, TaskKey = TaskKeys.Request(record.IdTask), Claim = record.Claim },
            CoreJsonContext.Default.TaskMessage);
    }
}
