namespace SdServerless.IntegrationTests.Queueing;

/// <summary>The unit tests' queue, held to what SQS and the file queue do, so that it cannot drift from them.</summary>
[Trait("Category", "Integration")]
public sealed class InMemoryTaskQueueContractTests : TaskQueueContractTests
{
    protected override Task<(ITaskQueue Queue, ITaskQueue DeadLetter)> CreateQueueAsync(int maxReceiveCount)
    {
        var queue = new InMemoryTaskQueue(maxReceiveCount: maxReceiveCount) { LongPolling = true };
        return Task.FromResult<(ITaskQueue, ITaskQueue)>((queue, queue.DeadLetter!));
    }

    protected override Task<ITaskQueue> CreateUnreachableQueueAsync() =>
        Task.FromResult<ITaskQueue>(new InMemoryTaskQueue { Unavailable = true });
}
