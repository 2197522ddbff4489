using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Configuration;
using SdServerless.Core.Queueing;
using SdServerless.Core.Tasks;
using SdServerless.Core.Telemetry;
using SdServerless.Functions.Events;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// What happens to one task message: skip it when result.json exists (redelivery does no new generation); finish it as
/// cancelled when the client cancelled it; mark the task running once a server is claimed for it; generate (a cancel
/// seen meanwhile interrupts the generation, see <see cref="TaskWatch"/>); write result.json last. Transient failures put the message
/// back with a backoff until the attempt limit; permanent ones, and the last attempt, finish the task as failed, with
/// result.json and so a callback.
/// </summary>
public sealed class TaskRecordHandler(
    TaskMessageReader reader,
    TaskGenerator generator,
    TaskOutputWriter output,
    ITaskQueue queue,
    SdServerlessOptions options,
    DispatcherSettings settings,
    ITaskMetrics metrics,
    TimeProvider clock,
    ILogger<TaskRecordHandler> logger)
{
    private static readonly TaskError CancelledError = new(DispatchErrorTypes.Cancelled, "the task was cancelled at the client's request");

    public async Task<RecordOutcome> HandleAsync(SqsEvent.SqsMessage record, CancellationToken cancellationToken)
    {
        var attempts = TaskMessageReader.Attempts(record);
        if (TaskMessageReader.Parse(record.Body) is not { } message)
        {
            logger.LogError("Message {MessageId} is not a task message (receive {Attempt}); left for the dead-letter queue", record.MessageId, attempts);
            return await PoisonAsync(record, cancellationToken);
        }

        LoadedTask? loaded;
        try
        {
            loaded = await reader.LoadAsync(message, record, cancellationToken);
        }
        catch (DependencyUnavailableException e)
        {
            logger.LogWarning("Task {TaskId}: its request could not be read ({Error}); retrying", message.IdTask, e.Message);
            await PutBackAsync(record, attempts, cancellationToken);
            return RecordOutcome.RetryLater;
        }

        if (loaded is null)
        {
            logger.LogError("Task {TaskId}: message {MessageId} points at no readable task; left for the dead-letter queue", message.IdTask, record.MessageId);
            return await PoisonAsync(record, cancellationToken);
        }

        return await RunAsync(loaded, record, attempts, cancellationToken);
    }

    private async Task<RecordOutcome> RunAsync(LoadedTask loaded, SqsEvent.SqsMessage record, int attempts, CancellationToken cancellationToken)
    {
        var task = loaded.Task;
        DateTimeOffset? startedAt = null;
        DispatchFailure failure;
        try
        {
            if (await output.ResultExistsAsync(task, cancellationToken))
            {
                logger.LogInformation("Task {TaskId} is already finished; redelivery ignored", task.Id);
                return RecordOutcome.Completed;
            }

            if (await output.CancelRequestedAsync(task.Id, cancellationToken))
            {
                // Cancelled while queued: it never reaches SD Web UI, and this receive reached no server.
                await FinishAsync(loaded, TaskStatus.Cancelled, null, CancelledError, null, Math.Max(0, attempts - 1), cancellationToken);
                logger.LogInformation("Task {TaskId} cancelled before it ran", task.Id);
                return RecordOutcome.Completed;
            }

            var generated = await generator.GenerateAsync(
                task,
                async ct =>
                {
                    startedAt = clock.GetUtcNow();
                    await output.WriteStateAsync(new TaskState { IdTask = task.Id, Status = TaskStatus.Running, Attempts = attempts, StartedAt = startedAt, UpdatedAt = startedAt.Value }, ct);
                    logger.LogInformation("Task {TaskId} running (attempt {Attempt})", task.Id, attempts);
                },
                (progress, eta, ct) => output.WriteStateAsync(
                    new TaskState { IdTask = task.Id, Status = TaskStatus.Running, Attempts = attempts, StartedAt = startedAt, UpdatedAt = clock.GetUtcNow(), Progress = progress, EtaSeconds = eta },
                    ct),
                cancellationToken);
            var status = generated.Interrupted ? TaskStatus.Cancelled : TaskStatus.Succeeded;
            await FinishAsync(loaded, status, generated, generated.Interrupted ? CancelledError : null, startedAt, attempts, cancellationToken);
            logger.LogInformation("Task {TaskId} {Status} with {ImageCount} images", task.Id, generated.Interrupted ? "cancelled" : "succeeded", generated.Images.Count);
            return RecordOutcome.Completed;
        }
        catch (ClientCancellation)
        {
            await FinishAsync(loaded, TaskStatus.Cancelled, null, CancelledError, null, Math.Max(0, attempts - 1), cancellationToken);
            logger.LogInformation("Task {TaskId} cancelled while it waited for a server", task.Id);
            return RecordOutcome.Completed;
        }
        catch (DispatchFailure e)
        {
            failure = e;
        }
        catch (DependencyUnavailableException e)
        {
            failure = DispatchFailure.Transient(DispatchErrorTypes.StorageUnavailable, $"the object store is unavailable: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            failure = DispatchFailure.Transient(DispatchErrorTypes.PoolTimeout, "the task did not finish before the deadline", e);
        }
        catch (Exception e)
        {
            // A defect or an unforeseen answer: retried like a transient failure, so that it cannot loop forever.
            logger.LogError(e, "Task {TaskId} failed unexpectedly", task.Id);
            failure = DispatchFailure.Transient(DispatchErrorTypes.InternalError, e.Message, e);
        }

        return await HandleFailureAsync(loaded, record, failure, startedAt, attempts, cancellationToken);
    }

    private async Task<RecordOutcome> HandleFailureAsync(
        LoadedTask loaded, SqsEvent.SqsMessage record, DispatchFailure failure, DateTimeOffset? startedAt, int attempts, CancellationToken cancellationToken)
    {
        var task = loaded.Task;
        using var bookkeeping = BookkeepingToken(cancellationToken);
        if (failure.IsTransient && attempts < options.MaxAttempts)
        {
            logger.LogWarning("Task {TaskId} attempt {Attempt} failed, will retry: {ErrorType} {Error}", task.Id, attempts, failure.Error.Type, failure.Error.Message);
            await TryWriteQueuedStateAsync(task, attempts, startedAt, failure.Error, bookkeeping.Token);
            await PutBackAsync(record, attempts, bookkeeping.Token);
            return RecordOutcome.RetryLater;
        }

        var error = failure.IsTransient
            ? failure.Error with { Message = $"gave up after {attempts} attempts: {failure.Error.Message}" }
            : failure.Error;
        try
        {
            await FinishAsync(loaded, TaskStatus.Failed, null, error, startedAt, attempts, bookkeeping.Token);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            logger.LogWarning("Task {TaskId}: its failure could not be recorded ({Error}); retrying", task.Id, e.Message);
            await PutBackAsync(record, attempts, bookkeeping.Token);
            return RecordOutcome.RetryLater;
        }

        logger.LogWarning("Task {TaskId} failed: {ErrorType} {Error}", task.Id, error.Type, error.Message);
        return RecordOutcome.Completed;
    }

    private async Task FinishAsync(
        LoadedTask loaded, TaskStatus status, GeneratedOutput? generated, TaskError? error, DateTimeOffset? startedAt, int attempts, CancellationToken cancellationToken)
    {
        var task = loaded.Task;
        var result = new TaskResult
        {
            IdTask = task.Id,
            Runtime = task.Runtime,
            Tasktype = task.TaskType,
            Status = status,
            Images = generated?.Images ?? [],
            Parameters = generated?.Parameters,
            Info = generated?.Info,
            Error = error,
            Context = task.Context,
            CallbackUrl = task.CallbackUrl,
            CreatedAt = loaded.CreatedAt,
            StartedAt = startedAt,
            CompletedAt = clock.GetUtcNow(),
            Attempts = attempts,
        };
        if (!await output.WriteResultAsync(task, result, cancellationToken))
        {
            logger.LogInformation("Task {TaskId}: another delivery wrote result.json first", task.Id);
            return;
        }

        var queueWait = (startedAt ?? result.CompletedAt) - loaded.CreatedAt;
        metrics.RecordTaskCompleted(task.Runtime, queueWait < TimeSpan.Zero ? TimeSpan.Zero : queueWait, generated?.Inference ?? TimeSpan.Zero, attempts, status == TaskStatus.Succeeded);
    }

    private async Task TryWriteQueuedStateAsync(SdTask task, int attempts, DateTimeOffset? startedAt, TaskError error, CancellationToken cancellationToken)
    {
        try
        {
            var now = clock.GetUtcNow();
            await output.WriteStateAsync(new TaskState { IdTask = task.Id, Status = TaskStatus.Queued, Attempts = attempts, StartedAt = startedAt, UpdatedAt = now, LastError = error }, cancellationToken);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            logger.LogWarning("Task {TaskId}: state.json not updated ({Error})", task.Id, e.Message);
        }
    }

    /// <summary>
    /// Makes a poison message visible again at once: its receives then reach the queue's maxReceiveCount within
    /// seconds and the redrive moves it to the dead-letter queue, instead of once per (long) visibility timeout.
    /// </summary>
    private async Task<RecordOutcome> PoisonAsync(SqsEvent.SqsMessage record, CancellationToken cancellationToken)
    {
        try
        {
            await queue.ChangeVisibilityAsync(record.ReceiptHandle, TimeSpan.Zero, cancellationToken);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            logger.LogWarning("Message {MessageId}: visibility not changed ({Error})", record.MessageId, e.Message);
        }

        return RecordOutcome.Poison;
    }

    /// <summary>Hides the message for the backoff; when that fails it still comes back, after its current lease.</summary>
    private async Task PutBackAsync(SqsEvent.SqsMessage record, int attempts, CancellationToken cancellationToken)
    {
        var delay = RetryBackoff.Delay(attempts, settings.BackoffBase, settings.BackoffCap, Random.Shared.NextDouble());
        try
        {
            await queue.ChangeVisibilityAsync(record.ReceiptHandle, delay, cancellationToken);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            logger.LogWarning("Message {MessageId}: visibility not changed ({Error})", record.MessageId, e.Message);
        }
    }

    /// <summary>Bookkeeping must happen even when the invocation's token already fired.</summary>
    private CancellationTokenSource BookkeepingToken(CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested)
        {
            return CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        var source = new CancellationTokenSource(settings.BookkeepingTimeout);
        return source;
    }
}
