using System.Text;
using System.Text.Json;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Callback;

/// <summary>
/// Writes undeliverable callbacks to the callback dead-letter queue (SQS on AWS, a file queue locally). A body too
/// large for one message (a client's context of a megabyte) is kept in the bucket and the message points to it.
/// </summary>
public sealed class CallbackDeadLetterWriter(ITaskQueue queue, IObjectStore store, CallbackOptions callbackOptions, TimeProvider clock)
{
    /// <summary>SQS takes 256 KiB per message; larger letters keep their payload in the bucket.</summary>
    public const int MaxMessageBytes = TaskMessage.MaxInlineBytes;

    /// <summary>
    /// Runs on its own time budget, not the invocation's token: the delivery may have given up precisely because
    /// that token was cancelled. Throws when the queue is unreachable, so that the invocation fails and is retried.
    /// </summary>
    /// <param name="url">Where the webhook went.</param>
    /// <param name="webhookId">The id its attempts carried.</param>
    /// <param name="body">The body as it was sent.</param>
    /// <param name="taskId">The task it reported, when known.</param>
    /// <param name="resultKey">The result.json the body was built from (null for a body of unknown origin).</param>
    /// <param name="outcome">How the delivery ended, and why.</param>
    public async Task WriteAsync(string url, string webhookId, ReadOnlyMemory<byte> body, string? taskId, string? resultKey, WebhookDeliveryResult outcome)
    {
        using var timeout = new CancellationTokenSource(callbackOptions.DeadLetterWriteTimeout);
        using var payload = JsonDocument.Parse(body);
        var message = Serialize(url, webhookId, taskId, resultKey, outcome, payload.RootElement, payloadKey: null);
        if (Encoding.UTF8.GetByteCount(message) > MaxMessageBytes)
        {
            var payloadKey = TaskKeys.DeadLetterPayload(webhookId);
            using var content = new MemoryStream(body.ToArray(), writable: false);
            await store.PutAsync(payloadKey, content, "application/json", timeout.Token);
            message = Serialize(url, webhookId, taskId, resultKey, outcome, payload: null, payloadKey);
        }

        await queue.SendAsync(message, TimeSpan.Zero, timeout.Token);
    }

    private string Serialize(
        string url, string webhookId, string? taskId, string? resultKey, WebhookDeliveryResult outcome, JsonElement? payload, string? payloadKey) =>
        JsonSerializer.Serialize(
            new CallbackDeadLetter
            {
                WebhookId = webhookId,
                Url = url,
                Payload = payload,
                PayloadKey = payloadKey,
                ResultKey = resultKey,
                IdTask = taskId,
                Outcome = outcome.Outcome,
                Reason = outcome.Reason ?? outcome.Outcome.ToString(),
                StatusCode = outcome.StatusCode,
                Attempts = outcome.Attempts,
                FailedAt = clock.GetUtcNow(),
            },
            CallbackJson.Context.CallbackDeadLetter);
}
