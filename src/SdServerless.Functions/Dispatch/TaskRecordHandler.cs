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
/// cancelled when the client cancelled it; wait for a slot on one of its runtime's servers (when the message carries
/// the task, while those reads and the read of request.json run: they decide before anything reaches the server, and a
/// task they refuse gives its slot back); mark the task running once the slot is leased; generate (a cancel seen meanwhile ends the wait or interrupts the generation, see
/// <see cref="TaskWatch"/>); write result.json last. No capacity (pool at zero, servers booting, all busy) is not a
/// failure: the task goes back to its queue in a new, delayed message that carries the attempts spent and since when
/// it waits, and its state.json says it waits for capacity; only past the queueing deadline does it fail, with
/// no_capacity. Attempts count only calls that reached SD Web UI: those the message carries plus this message's
/// receives. Transient failures put the message back with a backoff until the attempt limit; permanent ones, and the
/// last attempt, finish the task as failed, with result.json and so a callback.
/// </summary>
public sealed class TaskRecordHandler(
    TaskMessageReader reader,
    TaskGenerator generator,
    TaskOutputWriter output,
    TaskQueues queues,
    TaskPutBack putBack,
    SdServerlessOptions options,
    DispatcherOptions settings,
    ITaskMetrics metrics,
    TimeProvider clock,
    ILogger<TaskRecordHandler> logger)
{
    private static readonly TaskError CancelledError = new(DispatchErrorTypes.Cancelled, "the task was cancelled at the client's request");

    /// <summary>Runs one record to its outcome: done (delete), put back, or retry through the queue; never throws for the task's failures.</summary>
    /// <param name="record">The SQS record, as the event source mapping delivered it.</param>
    /// <param name="deadline">When the invocation ends (Lambda's deadline); null: only <paramref name="cancellationToken"/> bounds it.</param>
    /// <param name="cancellationToken">Ends the invocation: the record is left to come back.</param>
    public async Task<RecordOutcome> HandleAsync(SqsEvent.SqsMessage record, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var queue = queues.ForEventSource(record.EventSourceArn);
        var receives = TaskMessageReader.Attempts(record);
        if (TaskMessageReader.Parse(record.Body) is not { } message)
        {
            logger.LogError("Message {MessageId} is not a task message (receive {Attempt}); left for the dead-letter queue", record.MessageId, receives);
            await putBack.PoisonAsync(queue, record, cancellationToken);
            return RecordOutcome.Poison;
        }

        var delivery = new Delivery(record, message, queue, message.Attempts + receives, deadline);

        // Every read before a task reaches a server is a round trip on the way to the GPU. A message that carries its
        // task (the usual case) seeks a slot at once, while its request.json is read and whether it is finished or
        // cancelled is checked: those reads decide before anything goes to the server, and a refusal gives the slot back.
        if (message.Task is { } carried && carried.Id == message.IdTask)
        {
            return await RunAsync(carried, delivery, AdmitAsync(delivery, StartChecks(carried, cancellationToken), cancellationToken), cancellationToken);
        }

        var admission = await AdmitAsync(delivery, early: null, cancellationToken);
        return admission.Loaded is { } loaded && admission.Verdict is Verdict.Run
            ? await RunAsync(loaded.Task, delivery, Task.FromResult(admission), cancellationToken)
            : await RefuseAsync(admission, delivery, cancellationToken);
    }

    /// <summary>
    /// Reads what decides whether the task may run: its request.json (which must still carry the message's claim) and,
    /// at once with it when the message carries the task, whether it is finished or its client cancelled it. Failures
    /// to read are part of the answer, never thrown (except an unforeseen exception from the reader).
    /// </summary>
    private async Task<Admission> AdmitAsync(Delivery delivery, PreRunChecks? early, CancellationToken cancellationToken)
    {
        LoadedTask? loaded;
        try
        {
            loaded = await reader.LoadAsync(delivery.Message, delivery.Record, cancellationToken);
        }
        catch (DependencyUnavailableException e)
        {
            await SettleAsync(early);
            return new Admission(Verdict.Unreadable, Error: e);
        }
        catch (Exception)
        {
            await SettleAsync(early);
            throw;
        }

        if (loaded is null || loaded.Superseded)
        {
            await SettleAsync(early);
            return new Admission(loaded is null ? Verdict.Missing : Verdict.Superseded, loaded);
        }

        var (finished, cancelRequested) = early ?? StartChecks(loaded.Task, cancellationToken);
        try
        {
            await Task.WhenAll(finished, cancelRequested);
        }
        catch (Exception e)
        {
            return new Admission(Verdict.CheckFailed, loaded, e);
        }

        return new Admission(await finished ? Verdict.Finished : await cancelRequested ? Verdict.Cancelled : Verdict.Run, loaded);
    }

    /// <summary>Whether the admission lets the task run; a refusal first ends whatever still works for it (a wait for a slot).</summary>
    private static async Task<bool> AdmittedAsync(Task<Admission> admission, CancellationTokenSource refusal)
    {
        try
        {
            if ((await admission).Verdict is Verdict.Run)
            {
                return true;
            }
        }
        catch (Exception)
        {
            // Observed again, and thrown, by the caller.
        }

        await refusal.CancelAsync();
        return false;
    }

    private async Task<RecordOutcome> RunAsync(SdTask task, Delivery delivery, Task<Admission> admitting, CancellationToken cancellationToken)
    {
        var attempt = delivery.Attempt;

        // This run's images are staged apart from any other run's until result.json names the ones that won.
        using var staging = output.BeginAttempt(task);
        using var refusal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var admitted = AdmittedAsync(admitting, refusal);
        DateTimeOffset? startedAt = null;
        GeneratedOutput? generated = null;
        Exception? thrown = null;
        try
        {
            if (attempt > options.MaxAttempts)
            {
                // Every attempt was spent by runs that never reported back (crashed or killed): fail, do not run again
                // (unless the task turns out finished or cancelled meanwhile).
                await admitted;
                throw DispatchFailure.Transient(DispatchErrorTypes.AttemptsExhausted, $"the message came back {attempt} times; the earlier attempts ended without an answer");
            }

            generated = await generator.GenerateAsync(
                task,
                delivery.Deadline,
                delivery.Message.AvoidServer,
                admitted,
                async ct =>
                {
                    startedAt = clock.GetUtcNow();
                    await output.WriteStateAsync(new TaskState { IdTask = task.Id, Status = TaskStatus.Running, Attempts = attempt, StartedAt = startedAt, UpdatedAt = startedAt.Value }, ct);
                    logger.LogInformation("Task {TaskId} running (attempt {Attempt})", task.Id, attempt);
                },
                (progress, eta, ct) => output.WriteStateAsync(
                    new TaskState { IdTask = task.Id, Status = TaskStatus.Running, Attempts = attempt, StartedAt = startedAt, UpdatedAt = clock.GetUtcNow(), Progress = progress, EtaSeconds = eta },
                    ct),
                refusal.Token);
        }
        catch (Exception e)
        {
            thrown = e;
        }

        // What the admission decided comes first: a task that must not run was not sent (its slot is given back), and
        // what became of its wait for a slot does not matter.
        await admitted;
        var admission = await admitting;
        if (admission.Verdict is not Verdict.Run || admission.Loaded is not { } loaded)
        {
            return await RefuseAsync(admission, delivery, cancellationToken);
        }

        return thrown is null
            ? await SucceededAsync(loaded, delivery, generated!, startedAt, cancellationToken)
            : await HandleThrownAsync(loaded, delivery, thrown, startedAt, cancellationToken);
    }

    /// <summary>The outcome of a task the admission did not let run.</summary>
    private async Task<RecordOutcome> RefuseAsync(Admission admission, Delivery delivery, CancellationToken cancellationToken)
    {
        var message = delivery.Message;
        var record = delivery.Record;
        switch (admission.Verdict)
        {
            case Verdict.Unreadable:
                logger.LogWarning("Task {TaskId}: its request could not be read ({Error}); retrying", message.IdTask, admission.Error!.Message);
                await putBack.RetryLaterAsync(delivery.Queue, record, delivery.Attempt, cancellationToken);
                return RecordOutcome.RetryLater;
            case Verdict.Missing:
                logger.LogError("Task {TaskId}: message {MessageId} points at no readable task; left for the dead-letter queue", message.IdTask, record.MessageId);
                await putBack.PoisonAsync(delivery.Queue, record, cancellationToken);
                return RecordOutcome.Poison;
            case Verdict.Superseded:
                logger.LogWarning("Task {TaskId}: message {MessageId} belongs to a request that was not accepted; dropped", message.IdTask, record.MessageId);
                return RecordOutcome.Completed;
            case Verdict.Finished:
                logger.LogInformation("Task {TaskId} is already finished; redelivery ignored", message.IdTask);
                return RecordOutcome.Completed;
            case Verdict.Cancelled:
                await FinishCancelledUnsentAsync(admission.Loaded!, delivery, cancellationToken);
                logger.LogInformation("Task {TaskId} cancelled before it ran", message.IdTask);
                return RecordOutcome.Completed;
            default:
                // The checks themselves failed: handled like a failure of the run.
                return await HandleThrownAsync(admission.Loaded!, delivery, admission.Error!, null, cancellationToken);
        }
    }

    private async Task<RecordOutcome> SucceededAsync(LoadedTask loaded, Delivery delivery, GeneratedOutput generated, DateTimeOffset? startedAt, CancellationToken cancellationToken)
    {
        try
        {
            var status = generated.Interrupted ? TaskStatus.Cancelled : TaskStatus.Succeeded;
            await FinishAsync(loaded, status, generated, generated.Interrupted ? CancelledError : null, startedAt, delivery.Attempt, cancellationToken);
        }
        catch (Exception e)
        {
            return await HandleThrownAsync(loaded, delivery, e, startedAt, cancellationToken);
        }

        logger.LogInformation("Task {TaskId} {Status} with {ImageCount} images", loaded.Task.Id, generated.Interrupted ? "cancelled" : "succeeded", generated.Images.Count);
        return RecordOutcome.Completed;
    }

    /// <summary>What a run that threw ends in: cancelled, back to the queue for capacity, retried, or failed.</summary>
    private async Task<RecordOutcome> HandleThrownAsync(LoadedTask loaded, Delivery delivery, Exception thrown, DateTimeOffset? startedAt, CancellationToken cancellationToken)
    {
        var task = loaded.Task;
        DispatchFailure failure;
        switch (thrown)
        {
            case ClientCancellation:
                await FinishCancelledUnsentAsync(loaded, delivery, cancellationToken);
                logger.LogInformation("Task {TaskId} cancelled while it waited for a server", task.Id);
                return RecordOutcome.Completed;
            case NoCapacityException e:
                return await WaitForCapacityAsync(loaded, delivery, e, cancellationToken);
            case DispatchFailure e:
                failure = e;
                break;
            case DependencyUnavailableException e:
                failure = DispatchFailure.Transient(DispatchErrorTypes.StorageUnavailable, $"the object store is unavailable: {e.Message}", e);
                break;
            case OperationCanceledException e when cancellationToken.IsCancellationRequested:
                failure = DispatchFailure.Transient(DispatchErrorTypes.PoolTimeout, "the task did not finish before the deadline", e);
                break;
            default:
                // A defect or an unforeseen answer: retried like a transient failure, so that it cannot loop forever.
                logger.LogError(thrown, "Task {TaskId} failed unexpectedly", task.Id);
                failure = DispatchFailure.Transient(DispatchErrorTypes.InternalError, thrown.Message, thrown);
                break;
        }

        return await HandleFailureAsync(loaded, delivery, failure, startedAt, cancellationToken);
    }

    /// <summary>Puts the task back without spending an attempt, unless it has waited past the queueing deadline.</summary>
    private async Task<RecordOutcome> WaitForCapacityAsync(LoadedTask loaded, Delivery delivery, NoCapacityException noCapacity, CancellationToken cancellationToken)
    {
        var task = loaded.Task;
        var spent = delivery.Attempt - 1;
        var now = clock.GetUtcNow();
        var waitingSince = delivery.Message.WaitingSince ?? now;
        using var bookkeeping = BookkeepingToken(cancellationToken);
        if (now - waitingSince >= options.QueueingDeadline)
        {
            var error = new TaskError(DispatchErrorTypes.NoCapacity, $"{noCapacity.Message}; waited {(long)(now - waitingSince).TotalSeconds} s, past the queueing deadline of {(long)options.QueueingDeadline.TotalSeconds} s");
            return await FailAsync(loaded, delivery, error, null, spent, bookkeeping.Token);
        }

        var requeued = await putBack.WaitForCapacityAsync(delivery.Queue, delivery.Record, delivery.Message, spent, waitingSince, noCapacity.GaveWay, bookkeeping.Token);
        // A task given back again straight after an earlier wait for capacity (this is that put-back's message, on its
        // first receive) has the state that wait wrote; a give-way is a matter of a second, so it is not written again.
        var stateCurrent = noCapacity.GaveWay && delivery.Message.WaitingSince is not null && delivery.Message.AvoidServer is null
            && delivery.FirstReceive;
        if (!stateCurrent)
        {
            await TryWriteQueuedStateAsync(task, spent, null, WaitingReasons.Capacity, bookkeeping.Token);
        }

        metrics.RecordWaitingForCapacity(task.Runtime);
        logger.LogInformation("Task {TaskId} waits for capacity ({Reason}); back in the queue, no attempt spent", task.Id, noCapacity.Reason);
        return requeued ? RecordOutcome.Requeued : RecordOutcome.RetryLater;
    }

    private async Task<RecordOutcome> HandleFailureAsync(
        LoadedTask loaded, Delivery delivery, DispatchFailure failure, DateTimeOffset? startedAt, CancellationToken cancellationToken)
    {
        var task = loaded.Task;
        var attempts = delivery.Attempt;
        using var bookkeeping = BookkeepingToken(cancellationToken);
        if (failure.IsTransient && attempts < Math.Min(options.MaxAttempts, failure.AttemptLimit ?? int.MaxValue))
        {
            logger.LogWarning("Task {TaskId} attempt {Attempt} failed, will retry: {ErrorType} {Error}", task.Id, attempts, failure.Error.Type, failure.Error.Message);
            await TryWriteQueuedStateAsync(task, attempts, failure.Error, WaitingReasons.RetryBackoff, bookkeeping.Token, startedAt);
            if (failure.AvoidServer is { } avoid)
            {
                // Only a new message can carry the server to avoid; it also carries the attempts spent.
                return await putBack.RetryElsewhereAsync(delivery.Queue, delivery.Record, delivery.Message, attempts, avoid, bookkeeping.Token)
                    ? RecordOutcome.Requeued
                    : RecordOutcome.RetryLater;
            }

            await putBack.RetryLaterAsync(delivery.Queue, delivery.Record, attempts, bookkeeping.Token);
            return RecordOutcome.RetryLater;
        }

        var error = failure.IsTransient
            ? failure.Error with { Message = $"gave up after {attempts} attempts: {failure.Error.Message}" }
            : failure.Error;
        return await FailAsync(loaded, delivery, error, startedAt, attempts, bookkeeping.Token);
    }

    /// <summary>Finishes the task as failed; when that cannot be recorded the message comes back to try again.</summary>
    private async Task<RecordOutcome> FailAsync(
        LoadedTask loaded, Delivery delivery, TaskError error, DateTimeOffset? startedAt, int attempts, CancellationToken cancellationToken)
    {
        var task = loaded.Task;
        try
        {
            await FinishAsync(loaded, TaskStatus.Failed, null, error, startedAt, attempts, cancellationToken);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            logger.LogWarning("Task {TaskId}: its failure could not be recorded ({Error}); retrying", task.Id, e.Message);
            await putBack.RetryLaterAsync(delivery.Queue, delivery.Record, attempts, cancellationToken);
            return RecordOutcome.RetryLater;
        }

        logger.LogWarning("Task {TaskId} failed: {ErrorType} {Error}", task.Id, error.Type, error.Message);
        return RecordOutcome.Completed;
    }

    /// <summary>Cancelled before its request went out: it never reached SD Web UI, and this receive spent no attempt.</summary>
    private Task FinishCancelledUnsentAsync(LoadedTask loaded, Delivery delivery, CancellationToken cancellationToken) =>
        FinishAsync(loaded, TaskStatus.Cancelled, null, CancelledError, null, Math.Max(0, delivery.Attempt - 1), cancellationToken);

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

    private async Task TryWriteQueuedStateAsync(
        SdTask task, int attempts, TaskError? error, string waitingFor, CancellationToken cancellationToken, DateTimeOffset? startedAt = null)
    {
        try
        {
            var now = clock.GetUtcNow();
            await output.WriteStateAsync(
                new TaskState { IdTask = task.Id, Status = TaskStatus.Queued, Attempts = attempts, StartedAt = startedAt, UpdatedAt = now, LastError = error, WaitingFor = waitingFor },
                cancellationToken);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            logger.LogWarning("Task {TaskId}: state.json not updated ({Error})", task.Id, e.Message);
        }
    }

    /// <summary>Whether the task is finished and whether its client cancelled it: both read at once.</summary>
    private PreRunChecks StartChecks(SdTask task, CancellationToken cancellationToken) =>
        new(output.ResultExistsAsync(task, cancellationToken), output.CancelRequestedAsync(task.Id, cancellationToken));

    /// <summary>Waits for checks whose answer is no longer needed, so that their failures are observed, not thrown.</summary>
    private static async Task SettleAsync(PreRunChecks? checks)
    {
        if (checks is not null)
        {
            try
            {
                await Task.WhenAll(checks.Finished, checks.CancelRequested);
            }
            catch (Exception)
            {
                // The message is put back, dropped or poisoned whatever they found or failed to find.
            }
        }
    }

    /// <summary>Bookkeeping must happen even when the invocation's token already fired.</summary>
    private CancellationTokenSource BookkeepingToken(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? new CancellationTokenSource(settings.BookkeepingTimeout)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

    private sealed record PreRunChecks(Task<bool> Finished, Task<bool> CancelRequested);

    /// <summary>What the reads before a run decided.</summary>
    private enum Verdict
    {
        /// <summary>The task may run.</summary>
        Run,

        /// <summary>request.json could not be read (the store is unavailable): the message comes back later.</summary>
        Unreadable,

        /// <summary>The message points at no readable task: poison.</summary>
        Missing,

        /// <summary>request.json no longer carries the message's claim: the message is dropped.</summary>
        Superseded,

        /// <summary>result.json exists: a redelivery, nothing to do.</summary>
        Finished,

        /// <summary>The client cancelled the task while it was queued.</summary>
        Cancelled,

        /// <summary>Whether it is finished or cancelled could not be read: a failure of this run.</summary>
        CheckFailed,
    }

    /// <summary>A verdict, with the task as read (when it was) and what failed (when something did).</summary>
    private sealed record Admission(Verdict Verdict, LoadedTask? Loaded = null, Exception? Error = null);

    /// <summary>One receive of a task message: where it came from and the attempt it is (those carried plus its receives).</summary>
    private sealed record Delivery(SqsEvent.SqsMessage Record, TaskMessage Message, ITaskQueue Queue, int Attempt, DateTimeOffset? Deadline)
    {
        /// <summary>This message has not been received before (it was not hidden for a retry and received again).</summary>
        public bool FirstReceive => Attempt - Message.Attempts == 1;
    }
}
