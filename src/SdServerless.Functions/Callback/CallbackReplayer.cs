using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;

namespace SdServerless.Functions.Callback;

/// <summary>
/// Re-delivers the entries of the callback dead-letter queue: same webhook-id (receivers deduplicate), new
/// timestamp and signature, and the body rebuilt from the task's result.json so that its image links are fresh
/// (those of the dead-lettered body may have expired). Delivered entries are deleted; failed ones are left for a
/// later replay, and a receiver that is still down is tried once per run, not once per entry.
/// Then, on AWS, the S3 events on which the callback function itself failed (Lambda leaves them in the function's
/// dead-letter queue after its retries) go through the callback handler again: each delivers its webhook or leaves a
/// dead letter, which the next replay takes up.
/// </summary>
/// <param name="deadLetters">The callback dead-letter queue.</param>
/// <param name="bodies">Rebuilds each body from its result.json, with fresh image links.</param>
/// <param name="delivery">The same delivery the callback handler uses.</param>
/// <param name="store">Where a body too large for its message was kept.</param>
/// <param name="logger">Reports each entry that could not be replayed.</param>
/// <param name="eventDeadLetters">The callback function's failed S3 events; null: there are none to run (the local host).</param>
/// <param name="handler">Runs those events; required with <paramref name="eventDeadLetters"/>.</param>
public sealed partial class CallbackReplayer(
    ITaskQueue deadLetters,
    CallbackBodyRebuilder bodies,
    WebhookDelivery delivery,
    IObjectStore store,
    ILogger<CallbackReplayer> logger,
    ITaskQueue? eventDeadLetters = null,
    CallbackHandler? handler = null)
{
    private const int BatchSize = 10;

    /// <summary>Long enough that an entry received in this run is not received again before the run ends.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    /// <summary>SQS may return nothing from a zero-wait receive even when messages exist.</summary>
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);

    private enum Outcome
    {
        Delivered,
        Failed,
        Dropped,
    }

    /// <summary>Replays every entry (each at most once per run).</summary>
    public Task<CallbackReplayReport> ReplayAsync(CancellationToken cancellationToken) => ReplayAsync(int.MaxValue, cancellationToken);

    /// <summary>Replays up to <paramref name="maxMessages"/> entries, stopping early when the token fires.</summary>
    public async Task<CallbackReplayReport> ReplayAsync(int maxMessages, CancellationToken cancellationToken)
    {
        int delivered = 0, failed = 0, dropped = 0;
        var unreachable = new HashSet<string>(StringComparer.Ordinal);
        var held = new List<string>();
        try
        {
            while (delivered + failed + dropped < maxMessages && !cancellationToken.IsCancellationRequested)
            {
                var wanted = Math.Min(BatchSize, maxMessages - (delivered + failed + dropped));
                var batch = await deadLetters.ReceiveAsync(wanted, Lease, ReceiveWait, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                held.AddRange(batch.Select(message => message.ReceiptHandle));
                foreach (var message in batch.TakeWhile(_ => !cancellationToken.IsCancellationRequested))
                {
                    switch (await ReplayOneAsync(message, unreachable, cancellationToken))
                    {
                        case Outcome.Delivered:
                            delivered++;
                            break;
                        case Outcome.Dropped:
                            dropped++;
                            break;
                        default:
                            failed++;
                            continue;
                    }

                    // Delivered: removed even if the invocation's time just ran out, or it would be sent once more.
                    await deadLetters.DeleteAsync(message.ReceiptHandle, CancellationToken.None);
                    held.Remove(message.ReceiptHandle);
                }
            }
        }
        finally
        {
            // Failed and unread entries become visible again at once: the next replay need not wait for the lease.
            foreach (var receiptHandle in held)
            {
                await deadLetters.ChangeVisibilityAsync(receiptHandle, TimeSpan.Zero, CancellationToken.None);
            }
        }

        var (rerun, eventsFailed) = await RerunFailedEventsAsync(maxMessages, cancellationToken);
        var remaining = await deadLetters.GetApproximateDepthAsync(CancellationToken.None);
        LogReplayed(delivered, failed, dropped, remaining);
        return new CallbackReplayReport(delivered, failed, dropped, remaining, rerun, eventsFailed);
    }

    /// <summary>Runs up to <paramref name="maxMessages"/> of the callback function's failed S3 events again.</summary>
    private async Task<(int Rerun, int Failed)> RerunFailedEventsAsync(int maxMessages, CancellationToken cancellationToken)
    {
        if (eventDeadLetters is null || handler is null)
        {
            return (0, 0);
        }

        int rerun = 0, failed = 0;
        var held = new List<string>();
        try
        {
            while (rerun + failed < maxMessages && !cancellationToken.IsCancellationRequested)
            {
                var batch = await eventDeadLetters.ReceiveAsync(Math.Min(BatchSize, maxMessages - (rerun + failed)), Lease, ReceiveWait, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    try
                    {
                        var s3Event = JsonSerializer.Deserialize(message.Body, Json.FunctionsJsonContext.Default.S3Event)
                            ?? throw new JsonException("the message is JSON null");
                        await handler.HandleAsync(s3Event, cancellationToken);
                        await eventDeadLetters.DeleteAsync(message.ReceiptHandle, CancellationToken.None);
                        rerun++;
                    }
                    catch (Exception exception) when (exception is JsonException or DependencyUnavailableException)
                    {
                        LogEventFailed(message.MessageId, exception.Message);
                        held.Add(message.ReceiptHandle);
                        failed++;
                    }
                }
            }
        }
        finally
        {
            foreach (var receiptHandle in held)
            {
                await eventDeadLetters.ChangeVisibilityAsync(receiptHandle, TimeSpan.Zero, CancellationToken.None);
            }
        }

        if (rerun + failed > 0)
        {
            LogEventsRerun(rerun, failed);
        }

        return (rerun, failed);
    }

    private async Task<Outcome> ReplayOneAsync(QueueMessage message, HashSet<string> unreachable, CancellationToken cancellationToken)
    {
        CallbackDeadLetter? letter;
        try
        {
            letter = JsonSerializer.Deserialize(message.Body, CallbackJson.Context.CallbackDeadLetter);
        }
        catch (JsonException exception)
        {
            LogUnreadable(message.MessageId, exception.Message);
            return Outcome.Failed;
        }

        if (letter is null)
        {
            LogUnreadable(message.MessageId, "JSON null");
            return Outcome.Failed;
        }

        if (unreachable.Contains(letter.Url))
        {
            return Outcome.Failed;
        }

        var body = await bodies.RebuildAsync(letter, cancellationToken);
        if (body is null)
        {
            LogNothingToSend(letter.IdTask, letter.WebhookId);
            return Outcome.Dropped;
        }

        var result = await delivery.DeliverAsync(letter.Url, letter.WebhookId, body, letter.IdTask, cancellationToken);
        LogReplayedOne(letter.IdTask, letter.WebhookId, result.Outcome, result.Reason);
        switch (result.Outcome)
        {
            case WebhookDeliveryOutcome.Delivered or WebhookDeliveryOutcome.Gone:
                if (letter.PayloadKey is { } payloadKey)
                {
                    await store.DeleteAsync(payloadKey, CancellationToken.None);
                }

                return result.Outcome == WebhookDeliveryOutcome.Delivered ? Outcome.Delivered : Outcome.Dropped;
            case WebhookDeliveryOutcome.GaveUp:
                unreachable.Add(letter.Url);
                return Outcome.Failed;
            default:
                return Outcome.Failed;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay of callback of task {TaskId} ({WebhookId}): {Outcome} {Reason}")]
    private partial void LogReplayedOne(string? taskId, string webhookId, WebhookDeliveryOutcome outcome, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed callback event {MessageId} failed again ({Error}); left on its queue")]
    private partial void LogEventFailed(string messageId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback events run again: {Rerun} done, {Failed} failed again")]
    private partial void LogEventsRerun(int rerun, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback dead-letter message {MessageId} is unreadable ({Error}); left on the queue")]
    private partial void LogUnreadable(string messageId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback of task {TaskId} ({WebhookId}) dropped from the dead-letter queue: neither its result nor its stored body exists any more")]
    private partial void LogNothingToSend(string? taskId, string webhookId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback replay: {Delivered} delivered, {Failed} still failing, {Dropped} dropped, {Remaining} left on the queue")]
    private partial void LogReplayed(int delivered, int failed, int dropped, long remaining);
}
