using SdServerless.Core;

namespace SdServerless.IntegrationTests.Queueing;

/// <summary>
/// What every <see cref="ITaskQueue"/> must do (SQS's semantics); each implementation runs these through a subclass.
/// Leases and delays are whole seconds, as SQS counts them.
/// </summary>
public abstract class TaskQueueContractTests : IAsyncLifetime
{
    protected const int MaxReceiveCount = 2;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongLease = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected ITaskQueue Queue { get; private set; } = null!;

    /// <summary>The dead-letter queue <see cref="Queue"/> moves messages to after <see cref="MaxReceiveCount"/> receives.</summary>
    protected ITaskQueue DeadLetter { get; private set; } = null!;

    public async Task InitializeAsync() => (Queue, DeadLetter) = await CreateQueueAsync(MaxReceiveCount);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ASentMessageIsReceivedWithItsBodyAndIsGoneOnceDeleted()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var id = await Queue.SendAsync("{\"id_task\":\"t1\"}", TimeSpan.Zero, default);

        var message = Assert.Single(await Queue.ReceiveAsync(10, LongLease, Patience, default));
        Assert.Equal(id, message.MessageId);
        Assert.Equal("{\"id_task\":\"t1\"}", message.Body);
        Assert.Equal(1, message.ReceiveCount);
        Assert.InRange(message.SentAt, before, DateTimeOffset.UtcNow.AddSeconds(5));

        await Queue.DeleteAsync(message.ReceiptHandle, default);
        await Queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.Zero, default);
        Assert.Empty(await Queue.ReceiveAsync(10, LongLease, TimeSpan.FromSeconds(2), default));
        Assert.Equal(0, await Queue.GetApproximateDepthAsync(default));
    }

    [Fact]
    public async Task EveryMessageIsReceivedOnceWhileLeased()
    {
        var bodies = Enumerable.Range(1, 7).Select(i => $"task-{i}").ToList();
        foreach (var body in bodies)
        {
            await Queue.SendAsync(body, TimeSpan.Zero, default);
        }

        var received = new List<QueueMessage>();
        var deadline = DateTime.UtcNow + Patience;
        while (received.Count < bodies.Count && DateTime.UtcNow < deadline)
        {
            received.AddRange(await Queue.ReceiveAsync(3, LongLease, TimeSpan.FromSeconds(1), default));
        }

        Assert.Equal(bodies, received.Select(m => m.Body).Order(StringComparer.Ordinal));
        Assert.Equal(bodies.Count, received.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task AReceivedMessageIsHiddenForItsLeaseThenRedeliveredWithAGrowingReceiveCount()
    {
        var id = await Queue.SendAsync("lease", TimeSpan.Zero, default);

        var first = Assert.Single(await Queue.ReceiveAsync(1, Lease, Patience, default));
        var whileLeased = await Queue.ReceiveAsync(1, Lease, TimeSpan.Zero, default);
        var second = Assert.Single(await Queue.ReceiveAsync(1, Lease, Patience, default));

        Assert.Empty(whileLeased);
        Assert.Equal(id, second.MessageId);
        Assert.Equal(1, first.ReceiveCount);
        Assert.Equal(2, second.ReceiveCount);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);
    }

    [Fact]
    public async Task ChangingVisibilityToZeroMakesAMessageVisibleAtOnce()
    {
        await Queue.SendAsync("retry me", TimeSpan.Zero, default);
        var first = Assert.Single(await Queue.ReceiveAsync(1, LongLease, Patience, default));

        await Queue.ChangeVisibilityAsync(first.ReceiptHandle, TimeSpan.Zero, default);

        // Far sooner than the 60 s lease would allow.
        var again = Assert.Single(await Queue.ReceiveAsync(1, LongLease, Patience, default));
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.ReceiveCount);
    }

    [Fact]
    public async Task ChangingVisibilityExtendsALease()
    {
        await Queue.SendAsync("slow task", TimeSpan.Zero, default);
        var message = Assert.Single(await Queue.ReceiveAsync(1, Lease, Patience, default));

        await Queue.ChangeVisibilityAsync(message.ReceiptHandle, LongLease, default);

        Assert.Empty(await Queue.ReceiveAsync(1, Lease, TimeSpan.FromSeconds(3), default));
    }

    [Fact]
    public async Task ADelayedMessageStaysHiddenUntilItsDelayHasPassed()
    {
        await Queue.SendAsync("later", TimeSpan.FromSeconds(2), default);

        var early = await Queue.ReceiveAsync(1, LongLease, TimeSpan.Zero, default);
        var late = await Queue.ReceiveAsync(1, LongLease, Patience, default);

        Assert.Empty(early);
        Assert.Equal("later", Assert.Single(late).Body);
    }

    [Fact]
    public async Task AReceiveWaitsForAMessageSentWhileItWaits()
    {
        var receiving = Queue.ReceiveAsync(1, LongLease, TimeSpan.FromSeconds(15), default);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await Queue.SendAsync("arrives during the wait", TimeSpan.Zero, default);

        Assert.Equal("arrives during the wait", Assert.Single(await receiving).Body);
    }

    [Fact]
    public async Task AMessageReceivedTooOftenMovesToTheDeadLetterQueue()
    {
        var id = await Queue.SendAsync("poison", TimeSpan.Zero, default);
        for (var i = 1; i <= MaxReceiveCount; i++)
        {
            Assert.Equal(i, Assert.Single(await Queue.ReceiveAsync(1, Lease, Patience, default)).ReceiveCount);
        }

        Assert.Empty(await Queue.ReceiveAsync(1, Lease, TimeSpan.FromSeconds(3), default));
        var dead = Assert.Single(await DeadLetter.ReceiveAsync(1, LongLease, Patience, default));
        Assert.Equal("poison", dead.Body);
        Assert.Equal(id, dead.MessageId);
        Assert.Equal(0, await Queue.GetApproximateDepthAsync(default));
    }

    [Fact]
    public async Task DepthCountsWaitingDelayedAndInFlightMessages()
    {
        await Queue.SendAsync("a", TimeSpan.Zero, default);
        await Queue.SendAsync("b", TimeSpan.Zero, default);
        await Queue.SendAsync("c", TimeSpan.FromSeconds(30), default);
        var held = Assert.Single(await Queue.ReceiveAsync(1, LongLease, Patience, default));

        Assert.Equal(3, await Queue.GetApproximateDepthAsync(default));
        await Queue.DeleteAsync(held.ReceiptHandle, default);
        Assert.Equal(2, await Queue.GetApproximateDepthAsync(default));
    }

    [Fact]
    public async Task AnUnreachableQueueThrowsDependencyUnavailable()
    {
        await Assert.ThrowsAsync<DependencyUnavailableException>(async () =>
        {
            var queue = await CreateUnreachableQueueAsync();
            await queue.SendAsync("x", TimeSpan.Zero, default);
        });
    }

    /// <summary>A new empty queue with a dead-letter queue after <paramref name="maxReceiveCount"/> receives.</summary>
    protected abstract Task<(ITaskQueue Queue, ITaskQueue DeadLetter)> CreateQueueAsync(int maxReceiveCount);

    /// <summary>A queue whose service or directory cannot be reached (opening it may already fail).</summary>
    protected abstract Task<ITaskQueue> CreateUnreachableQueueAsync();
}
