using System.Text.Json;
using SdServerless.Core.Queueing;

namespace SdServerless.Functions.Callback;

/// <summary>Writes undeliverable callbacks to the callback dead-letter queue (SQS on AWS, a file queue locally).</summary>
public sealed class CallbackDeadLetterWriter(ITaskQueue queue, CallbackOptions callbackOptions, TimeProvider clock)
{
    /// <summary>
    /// Runs on its own time budget, not the invocation's token: the delivery may have given up precisely because
    /// that token was cancelled. Throws when the queue is unreachable, so that the invocation fails and is retried.
    /// </summary>
    public async Task WriteAsync(string url, string webhookId, ReadOnlyMemory<byte> body, string? taskId, WebhookDeliveryResult outcome)
    {
        using var payload = JsonDocument.Parse(body);
        var letter = new CallbackDeadLetter
        {
            WebhookId = webhookId,
            Url = url,
            Payload = payload.RootElement,
            IdTask = taskId,
            Outcome = outcome.Outcome,
            Reason = outcome.Reason ?? outcome.Outcome.ToString(),
            StatusCode = outcome.StatusCode,
            Attempts = outcome.Attempts,
            FailedAt = clock.GetUtcNow(),
        };
        var message = JsonSerializer.Serialize(letter, CallbackJson.Context.CallbackDeadLetter);
        using var timeout = new CancellationTokenSource(callbackOptions.DeadLetterWriteTimeout);
        await queue.SendAsync(message, TimeSpan.Zero, timeout.Token);
    }
}
