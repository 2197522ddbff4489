namespace SdServerless.Functions.Api;

/// <summary>
/// Where a queued task stands in its queue, for hosts that can know it (the local host reads its own queue files);
/// SQS cannot say, so the Lambda host registers none and statuses carry no position.
/// </summary>
public interface IQueuePositions
{
    /// <summary>1 + the tasks ahead of it that are not running yet; null when no queue holds the task.</summary>
    Task<long?> PositionAsync(string id, CancellationToken cancellationToken);
}
