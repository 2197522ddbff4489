using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Queueing;

namespace SdServerless.Functions.Callback;

/// <summary>
/// Re-delivers the entries of the callback dead-letter queue: same webhook-id (receivers deduplicate), new
/// timestamp and signature. Delivered entries are deleted; failed ones are left for a later replay.
/// </summary>
public sealed partial class CallbackReplayer(ITaskQueue deadLetters, WebhookDelivery delivery, ILogger<CallbackReplayer> logger)
{
    private const int BatchSize = 10;

    /// <summary>Long enough that an entry received in this run is not received again before the run ends.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    /// <summary>SQS may return nothing from a zero-wait receive even when messages exist.</summary>
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);

    public async Task<CallbackReplayReport> ReplayAsync(CancellationToken cancellationToken)
    {
        int delivered = 0, failed = 0, dropped = 0;
        var keep = new List<string>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await deadLetters.ReceiveAsync(BatchSize, Lease, ReceiveWait, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    var outcome = await ReplayOneAsync(message, cancellationToken);
                    if (outcome is WebhookDeliveryOutcome.Delivered or WebhookDeliveryOutcome.Gone)
                    {
                        await deadLetters.DeleteAsync(message.ReceiptHandle, cancellationToken);
                        if (outcome == WebhookDeliveryOutcome.Delivered)
                        {
                            delivered++;
                        }
                        else
                        {
                            dropped++;
                        }
                    }
                    else
                    {
                        keep.Add(message.ReceiptHandle);
                        failed++;
                    }
                }
            }
        }
        finally
        {
            // Make the failures visible again at once, so the next replay need not wait for the lease to end.
            foreach (var receiptHandle in keep)
            {
                await deadLetters.ChangeVisibilityAsync(receiptHandle, TimeSpan.Zero, CancellationToken.None);
            }
        }

        LogReplayed(delivered, failed, dropped);
        return new CallbackReplayReport(delivered, failed, dropped);
    }

    private async Task<WebhookDeliveryOutcome?> ReplayOneAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        CallbackDeadLetter? letter;
        try
        {
            letter = JsonSerializer.Deserialize(message.Body, CallbackJson.Context.CallbackDeadLetter);
        }
        catch (JsonException exception)
        {
            LogUnreadable(message.MessageId, exception.Message);
            return null;
        }

        if (letter is null || letter.Payload.ValueKind != JsonValueKind.Object)
        {
            LogUnreadable(message.MessageId, "no payload");
            return null;
        }

        var body = CallbackJson.Serialize(letter.Payload);
        var result = await delivery.DeliverAsync(letter.Url, letter.WebhookId, body, letter.IdTask, cancellationToken);
        LogReplayedOne(letter.IdTask, letter.WebhookId, result.Outcome, result.Reason);
        return result.Outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay of callback of task {TaskId} ({WebhookId}): {Outcome} {Reason}")]
    private partial void LogReplayedOne(string? taskId, string webhookId, WebhookDeliveryOutcome outcome, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback dead-letter message {MessageId} is unreadable ({Error}); left on the queue")]
    private partial void LogUnreadable(string messageId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback replay: {Delivered} delivered, {Failed} still failing, {Dropped} dropped (410 Gone)")]
    private partial void LogReplayed(int delivered, int failed, int dropped);
}
