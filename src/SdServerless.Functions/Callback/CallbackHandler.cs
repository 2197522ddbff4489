using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Callback;

/// <summary>
/// The callback function: for each S3 object-created record of a task's result.json, reads the result and POSTs
/// the signed payload of docs/api.md ("Callback") to the task's callback_url, else the default webhook URL. A delivery that
/// fails for good goes to the callback dead-letter queue, so nothing is silently lost.
/// </summary>
public sealed partial class CallbackHandler(
    IObjectStore store,
    IObjectUrlSigner urlSigner,
    WebhookDelivery delivery,
    CallbackDeadLetterWriter deadLetters,
    SdServerlessOptions options,
    CallbackOptions callbackOptions,
    ILogger<CallbackHandler> logger)
{
    private const string ObjectCreatedPrefix = "ObjectCreated:";

    /// <summary>
    /// Handles every record; a record that fails (store or dead-letter queue unreachable) does not stop the others,
    /// and the invocation then fails so that S3's asynchronous retry runs it again (same webhook-id).
    /// </summary>
    public async Task HandleAsync(S3Event s3Event, CancellationToken cancellationToken)
    {
        if (s3Event.Records is not { Count: > 0 } records)
        {
            LogNoRecords(s3Event.Event ?? "none");
            return;
        }

        List<Exception>? failures = null;
        foreach (var record in records)
        {
            try
            {
                await HandleRecordAsync(record, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                (failures ??= []).Add(exception);
            }
        }

        if (failures is [var single])
        {
            ExceptionDispatchInfo.Capture(single).Throw();
        }

        if (failures is not null)
        {
            throw new AggregateException("Several callback records failed.", failures);
        }
    }

    private async Task HandleRecordAsync(S3Event.S3EventRecord record, CancellationToken cancellationToken)
    {
        if (record.EventName?.StartsWith(ObjectCreatedPrefix, StringComparison.Ordinal) != true
            || record.S3?.Object?.Key is not { } encodedKey)
        {
            return;
        }

        var key = S3KeyEncoding.Decode(encodedKey);
        if (!TaskKeys.IsTaskResult(key))
        {
            return;
        }

        var bucket = record.S3.Bucket?.Name ?? store.BucketName;
        if (!string.Equals(bucket, store.BucketName, StringComparison.Ordinal))
        {
            LogOtherBucket(bucket, key, store.BucketName);
            return;
        }

        var result = await ReadResultAsync(key, cancellationToken);
        if (result is null)
        {
            return;
        }

        var url = string.IsNullOrWhiteSpace(result.CallbackUrl) ? options.DefaultWebhookUrl : result.CallbackUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            LogNoCallbackUrl(result.IdTask);
            return;
        }

        var payload = CallbackPayloadBuilder.Build(result, bucket, key, urlSigner, callbackOptions.ImageUrlLifetime);
        var body = CallbackJson.Serialize(payload);
        var webhookId = WebhookIds.ForResult(bucket, key, result.CompletedAt);
        var outcome = await delivery.DeliverAsync(url, webhookId, body, result.IdTask, cancellationToken);
        switch (outcome.Outcome)
        {
            case WebhookDeliveryOutcome.Delivered:
                LogDelivered(result.IdTask, webhookId, outcome.StatusCode, outcome.Attempts);
                break;
            case WebhookDeliveryOutcome.Gone:
                LogGone(result.IdTask, webhookId);
                break;
            default:
                LogUndelivered(result.IdTask, webhookId, outcome.Outcome, outcome.Reason);
                await deadLetters.WriteAsync(url, webhookId, body, result.IdTask, key, outcome);
                break;
        }
    }

    private async Task<TaskResult?> ReadResultAsync(string key, CancellationToken cancellationToken)
    {
        var (result, error) = await TaskResultFile.ReadAsync(store, key, cancellationToken);
        if (error is not null)
        {
            // Retrying cannot repair the file; the invocation succeeds so that S3 does not resend it.
            LogResultUnreadable(key, error);
        }
        else if (result is null)
        {
            LogResultMissing(key);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "S3 event without records ignored (event {Event})")]
    private partial void LogNoRecords(string @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored {Key} in bucket {Bucket}: this function serves bucket {ServedBucket}")]
    private partial void LogOtherBucket(string bucket, string key, string servedBucket);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} finished; no callback URL and no default webhook URL, nothing to send")]
    private partial void LogNoCallbackUrl(string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback of task {TaskId} ({WebhookId}) delivered: {StatusCode} after {Attempts} attempt(s)")]
    private partial void LogDelivered(string taskId, string webhookId, int? statusCode, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback of task {TaskId} ({WebhookId}) dropped: the receiver answered 410 Gone")]
    private partial void LogGone(string taskId, string webhookId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback of task {TaskId} ({WebhookId}) not delivered ({Outcome}): {Reason}; sent to the callback dead-letter queue")]
    private partial void LogUndelivered(string taskId, string webhookId, WebhookDeliveryOutcome outcome, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event for {Key}, but the object is gone; no callback")]
    private partial void LogResultMissing(string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Key} is not a readable result.json ({Error}); no callback")]
    private partial void LogResultUnreadable(string key, string error);
}
