using Microsoft.Extensions.Logging;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// The dispatcher function: an SQS batch in, every record handled concurrently by <see cref="TaskRecordHandler"/>,
/// and batchItemFailures for the records that must come back (retries, poison). One bad record fails only itself.
/// The local host wraps its own queue's messages into the same event and calls this same handler.
/// </summary>
public sealed class DispatcherHandler(TaskRecordHandler records, ILogger<DispatcherHandler> logger)
{
    /// <summary>Handles a batch with no deadline but the token's: the local host's workers and tests.</summary>
    public Task<SqsBatchResponse> HandleAsync(SqsEvent sqsEvent, CancellationToken cancellationToken) => HandleAsync(sqsEvent, null, cancellationToken);

    /// <summary>Handles every record of the batch concurrently; the response names those that must come back.</summary>
    /// <param name="sqsEvent">The batch.</param>
    /// <param name="deadline">When the invocation ends: no slot is leased for a generation that could not finish by then.</param>
    /// <param name="cancellationToken">Ends the batch: unfinished records come back.</param>
    public async Task<SqsBatchResponse> HandleAsync(SqsEvent sqsEvent, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var outcomes = await Task.WhenAll(sqsEvent.Records.Select(record => HandleRecordAsync(record, deadline, cancellationToken)));
        var response = new SqsBatchResponse();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] is RecordOutcome.RetryLater or RecordOutcome.Poison)
            {
                response.BatchItemFailures.Add(new SqsBatchResponse.BatchItemFailure { ItemIdentifier = sqsEvent.Records[i].MessageId });
            }
        }

        return response;
    }

    private async Task<RecordOutcome> HandleRecordAsync(SqsEvent.SqsMessage record, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await records.HandleAsync(record, deadline, cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Message {MessageId} could not be handled; it comes back", record.MessageId);
            return RecordOutcome.RetryLater;
        }
    }
}
