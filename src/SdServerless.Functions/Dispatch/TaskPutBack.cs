using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Json;
using SdServerless.Core.Queueing;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// The ways a message goes back to its queue. After a transient failure the same message is hidden for a backoff, and
/// its next receive counts as the next attempt. For lack of capacity the task moves to a new message, sent with a
/// delay, that carries the attempts spent and since when it waits: a receive count that grew with every wait for
/// capacity would spend attempts and push the message into the dead-letter queue.
/// </summary>
public sealed partial class TaskPutBack(DispatcherOptions settings, TimeProvider clock, ILogger<TaskPutBack> logger)
{
    /// <summary>Hides the message for the backoff; when that fails it still comes back, after its current lease.</summary>
    public async Task RetryLaterAsync(ITaskQueue queue, SqsEvent.SqsMessage record, int attempts, CancellationToken cancellationToken)
    {
        await TryChangeVisibilityAsync(queue, record, RetryDelay(attempts), cancellationToken);
    }

    /// <summary>
    /// Sends the task again in a new message, delayed by the capacity backoff (by <see cref="DispatcherOptions.GiveWayDelay"/>
    /// when it <paramref name="gaveWay"/> to the tasks behind it: the pool has room for them, and for it again soon);
    /// true when it was sent (the old message must then be deleted).
    /// When the send fails the old message is hidden for the same delay instead (false: it must not be deleted).
    /// </summary>
    public Task<bool> WaitForCapacityAsync(
        ITaskQueue queue, SqsEvent.SqsMessage record, TaskMessage message, int attemptsSpent, DateTimeOffset waitingSince, bool gaveWay, CancellationToken cancellationToken) =>
        SendAgainAsync(queue, record, Next(message, attemptsSpent) with { WaitingSince = waitingSince }, gaveWay ? settings.GiveWayDelay : CapacityDelay(waitingSince), cancellationToken);

    /// <summary>
    /// A retry after the backoff that must not run on <paramref name="avoidServer"/>: sent in a new message that names
    /// it, as <see cref="WaitForCapacityAsync"/> does. If that send fails, the old message is hidden for the backoff and
    /// its retry may run anywhere.
    /// </summary>
    public Task<bool> RetryElsewhereAsync(
        ITaskQueue queue, SqsEvent.SqsMessage record, TaskMessage message, int attemptsSpent, string avoidServer, CancellationToken cancellationToken) =>
        SendAgainAsync(queue, record, Next(message, attemptsSpent) with { AvoidServer = avoidServer }, RetryDelay(attemptsSpent), cancellationToken);

    private TimeSpan CapacityDelay(DateTimeOffset waitingSince) =>
        RetryBackoff.ForCapacity(clock.GetUtcNow() - waitingSince, settings.CapacityBackoffBase, settings.CapacityBackoffCap, Random.Shared.NextDouble());

    private TimeSpan RetryDelay(int attempts) => RetryBackoff.Delay(attempts, settings.BackoffBase, settings.BackoffCap, Random.Shared.NextDouble());

    /// <summary>The task's next message: what the old one carried, with the attempts spent so far.</summary>
    private static TaskMessage Next(TaskMessage message, int attemptsSpent) => new()
    {
        IdTask = message.IdTask,
        Task = message.Task,
        TaskKey = message.TaskKey,
        Claim = message.Claim,
        Attempts = attemptsSpent,
        WaitingSince = message.WaitingSince,
        AvoidServer = message.AvoidServer,
    };

    private async Task<bool> SendAgainAsync(ITaskQueue queue, SqsEvent.SqsMessage record, TaskMessage next, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await queue.SendAsync(JsonSerializer.Serialize(next, CoreJsonContext.Default.TaskMessage), delay, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            // Waiting for capacity, its next receive will count as an attempt although no server was called: rare, and
            // still bounded.
            LogSendFailed(next.IdTask, e.Message);
            await TryChangeVisibilityAsync(queue, record, delay, cancellationToken);
            return false;
        }
    }

    /// <summary>
    /// Makes a poison message visible again at once: its receives then reach the queue's maxReceiveCount within
    /// seconds and the redrive moves it to the dead-letter queue, instead of once per (long) visibility timeout.
    /// </summary>
    public Task PoisonAsync(ITaskQueue queue, SqsEvent.SqsMessage record, CancellationToken cancellationToken) =>
        TryChangeVisibilityAsync(queue, record, TimeSpan.Zero, cancellationToken);

    private async Task TryChangeVisibilityAsync(ITaskQueue queue, SqsEvent.SqsMessage record, TimeSpan visibility, CancellationToken cancellationToken)
    {
        try
        {
            await queue.ChangeVisibilityAsync(record.ReceiptHandle, visibility, cancellationToken);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            LogVisibilityUnchanged(record.MessageId, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: its new message was not sent ({Error}); the old one is hidden instead")]
    private partial void LogSendFailed(string taskId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: visibility not changed ({Error})")]
    private partial void LogVisibilityUnchanged(string messageId, string error);
}
