using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Configuration;
using SdServerless.Core.Json;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Api;

/// <summary>
/// Accepts a validated task exactly once. The id is the idempotency key: request.json is created only if none exists,
/// and a task counts as accepted only once the queue holds it (the record then says Enqueued). A failed enqueue leaves
/// a record that is not accepted, so the same request sent again simply finishes the job. A task goes to its runtime's
/// queue, and that queue's depth alone decides backpressure: one runtime's backlog never turns another's tasks away.
/// </summary>
public sealed class TaskSubmission(
    IObjectStore store,
    TaskQueues queues,
    SdServerlessOptions options,
    TimeProvider clock,
    ILogger<TaskSubmission> logger)
{
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
            Task = task,
        };

        var created = await store.TryCreateJsonAsync(key, record, CoreJsonContext.Default.TaskRecord, cancellationToken);
        if (!created)
        {
            var existing = await store.GetJsonAsync(key, CoreJsonContext.Default.TaskRecord, cancellationToken);
            if (existing is null)
            {
                // Deleted between our create and read (a Busy rollback of a racing request): treat as unavailable.
                return new SubmissionOutcome(SubmissionResult.Unavailable, null, "the task record changed while it was read");
            }

            if (existing.RequestHash == requestHash)
            {
                if (existing.Enqueued)
                {
                    return new SubmissionOutcome(SubmissionResult.Replayed, existing);
                }

                record = existing;
            }
            else if (existing.Enqueued)
            {
                return new SubmissionOutcome(SubmissionResult.Conflict, existing);
            }
            else
            {
                // The id was never accepted (its enqueue failed): the new request may take it.
                await store.PutJsonAsync(key, record, CoreJsonContext.Default.TaskRecord, cancellationToken);
            }
        }

        var queue = queues.For(task.Runtime);
        if (options.QueueDepthLimit > 0 && await queue.GetApproximateDepthAsync(cancellationToken) >= options.QueueDepthLimit)
        {
            await store.DeleteAsync(key, cancellationToken);
            return new SubmissionOutcome(SubmissionResult.Busy, null);
        }

        // Before the enqueue: an accepted task is always listed; an entry whose task was not accepted is skipped.
        await store.TryCreateAsync(TaskKeys.Index(record.CreatedAt, task.Id), IndexEntry(task.Id), "application/json", cancellationToken);
        await queue.SendAsync(BuildMessage(record), TimeSpan.Zero, cancellationToken);
        logger.LogInformation("Task {TaskId} accepted for runtime {Runtime}", task.Id, task.Runtime);

        record.Enqueued = true;
        try
        {
            await store.PutJsonAsync(key, record, CoreJsonContext.Default.TaskRecord, cancellationToken);
        }
        catch (DependencyUnavailableException ex)
        {
            // The queue holds the task, so it is accepted and will run; the status endpoint also finds it
            // through its state.json once the dispatcher starts it.
            logger.LogWarning("Task {TaskId} queued but its record was not marked: {Reason}", task.Id, ex.Message);
        }

        return new SubmissionOutcome(SubmissionResult.Accepted, record);
    }

    /// <summary>The key carries all a listing needs; the body names the task for a person browsing the bucket.</summary>
    private static byte[] IndexEntry(string id) => System.Text.Encoding.UTF8.GetBytes($"{{\"id_task\":\"{JsonEncodedText.Encode(id)}\"}}");

    private static string BuildMessage(TaskRecord record)
    {
        var inline = JsonSerializer.Serialize(new TaskMessage { IdTask = record.IdTask, Task = record.Task }, CoreJsonContext.Default.TaskMessage);
        if (System.Text.Encoding.UTF8.GetByteCount(inline) <= TaskMessage.MaxInlineBytes)
        {
            return inline;
        }

        return JsonSerializer.Serialize(
            new TaskMessage { IdTask = record.IdTask, TaskKey = TaskKeys.Request(record.IdTask) },
            CoreJsonContext.Default.TaskMessage);
    }
}
