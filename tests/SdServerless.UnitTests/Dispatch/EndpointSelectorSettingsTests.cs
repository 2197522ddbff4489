using SdServerless.Functions.Dispatch;

namespace SdServerless.UnitTests.Dispatch;

public sealed class EndpointSelectorSettingsTests
{
    private const string Server = "http://10.0.0.5:7861";

    [Theory]
    [InlineData(true, "model-a")]
    [InlineData(false, "model-b")]
    public async Task AFreedServerGoesToTheWaiterWantingItsModelOnlyWithAffinity(bool affinity, string expectedModel)
    {
        var selector = new EndpointSelector(new DispatcherSettings { ModelAffinity = affinity });
        var busy = await selector.AcquireAsync([Server], "model-a", waitForFree: true, CancellationToken.None);
        var olderWantsB = selector.AcquireAsync([Server], "model-b", waitForFree: true, CancellationToken.None);
        var youngerWantsA = selector.AcquireAsync([Server], "model-a", waitForFree: true, CancellationToken.None);

        busy.Dispose();

        var granted = await Task.WhenAny(olderWantsB, youngerWantsA);
        Assert.Equal(expectedModel, granted == youngerWantsA ? "model-a" : "model-b");
        Assert.False((granted == youngerWantsA ? olderWantsB : youngerWantsA).IsCompleted);
        Assert.Equal(expectedModel, selector.LoadedModel(Server));
    }

    [Fact]
    public async Task WithoutAffinityAFreeServerIsChosenRegardlessOfItsModel()
    {
        const string Other = "http://10.0.0.6:7861";
        var selector = new EndpointSelector(new DispatcherSettings { ModelAffinity = false });
        selector.ObserveLoadedModel(Server, "model-a");
        selector.ObserveLoadedModel(Other, "model-b");

        var chosen = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var lease = await selector.AcquireAsync([Server, Other], "model-a", waitForFree: false, CancellationToken.None);
            chosen.Add(lease.Endpoint);
        }

        // Affinity would send every one to Server (model-a loaded); without it the free servers take turns.
        Assert.Contains(Other, chosen);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    public async Task RequestsAheadLetThatManyMoreWaitAtTheServer(int ahead, int expectedImmediate)
    {
        var selector = new EndpointSelector(new DispatcherSettings { RequestsAheadPerSlot = ahead });
        var leases = new List<Task<EndpointLease>>();
        for (var i = 0; i < 4; i++)
        {
            leases.Add(selector.AcquireAsync([Server], null, waitForFree: true, CancellationToken.None));
        }

        Assert.Equal(expectedImmediate, leases.Count(l => l.IsCompletedSuccessfully));
        Assert.Equal(expectedImmediate, selector.InFlight(Server));

        (await leases[0]).Dispose();

        // The freed slot goes to the next waiter; its AcquireAsync completes on a pool thread, so wait for it.
        await leases[expectedImmediate].WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(expectedImmediate + 1, leases.Count(l => l.IsCompletedSuccessfully));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithAffinityATaskOfAnotherModelDoesNotQueueBehindABusyServer(bool affinity)
    {
        var selector = new EndpointSelector(new DispatcherSettings { ModelAffinity = affinity, RequestsAheadPerSlot = 1 });
        var running = await selector.AcquireAsync([Server], "model-a", waitForFree: true, CancellationToken.None);

        var wantsB = selector.AcquireAsync([Server], "model-b", waitForFree: true, CancellationToken.None);

        // Queued behind model-a, model-b would cost a checkpoint switch that a later model-a task would not.
        Assert.Equal(!affinity, wantsB.IsCompletedSuccessfully);
        if (!affinity)
        {
            return;
        }

        var wantsA = selector.AcquireAsync([Server], "model-a", waitForFree: true, CancellationToken.None);
        Assert.True(wantsA.IsCompletedSuccessfully, "the slot ahead was kept for the loaded model");

        // The server's GPU frees up and nothing else of model-a waits: now model-b's turn, not before.
        running.Dispose();
        Assert.False(wantsB.IsCompleted);
        (await wantsA).Dispose();
        using var lease = await wantsB;
        Assert.Equal("model-b", selector.LoadedModel(Server));
    }

    [Fact]
    public async Task WithAffinityAnIdleServerTakesATaskOfAnotherModel()
    {
        const string Other = "http://10.0.0.6:7861";
        var selector = new EndpointSelector(new DispatcherSettings { ModelAffinity = true, RequestsAheadPerSlot = 1 });
        using var onServer = await selector.AcquireAsync([Server], "model-a", waitForFree: true, CancellationToken.None);
        (await selector.AcquireAsync([Other], "model-a", waitForFree: true, CancellationToken.None)).Dispose();

        // Other has model-a loaded but nothing to do: a model-b task goes there at once rather than leave it idle.
        using var lease = await selector.AcquireAsync([Server, Other], "model-b", waitForFree: true, CancellationToken.None);

        Assert.Equal(Other, lease.Endpoint);
    }

    [Fact]
    public async Task NewTasksOfTheLoadedModelPassAWaitingTaskOverAtMostMaxSkipsTimes()
    {
        var selector = new EndpointSelector(new DispatcherSettings { ModelAffinity = true, RequestsAheadPerSlot = 1 });
        var running = await selector.AcquireAsync([Server], "model-a", waitForFree: true, CancellationToken.None);
        var wantsB = selector.AcquireAsync([Server], "model-b", waitForFree: true, CancellationToken.None);

        // Each round a new model-a task takes the slot ahead, then the running one answers. No model-a task ever
        // waits, so only newcomers pass model-b over; without a bound they would do so for ever.
        // (Whether model-b got the freed slot shows at once in the server's requests in flight; its AcquireAsync
        // completes a moment later on a pool thread.)
        var rounds = 0;
        var grantedB = false;
        while (!grantedB && rounds <= EndpointSelector.MaxSkips + 1)
        {
            var next = selector.AcquireAsync([Server], "model-a", waitForFree: true, CancellationToken.None);
            Assert.True(next.IsCompletedSuccessfully, "the slot ahead goes to the loaded model while model-b may still wait");
            rounds++;
            running.Dispose();
            grantedB = selector.InFlight(Server) == 2;
            running = await next;
        }

        Assert.True(grantedB, $"model-b still waits after {rounds} model-a tasks went first");
        Assert.Equal(EndpointSelector.MaxSkips, rounds);
        (await wantsB.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        running.Dispose();
    }

    [Fact]
    public async Task AWaitingTaskPassedOverMaxSkipsTimesTakesTheNextFreeSlotBeforeANewTask()
    {
        const string Other = "http://10.0.0.6:7861";
        string[] both = [Server, Other];
        var selector = new EndpointSelector(new DispatcherSettings { ModelAffinity = true, RequestsAheadPerSlot = 1 });
        using var runningHere = await selector.AcquireAsync([Server], "model-a", waitForFree: true, CancellationToken.None);
        using var runningThere = await selector.AcquireAsync([Other], "model-a", waitForFree: true, CancellationToken.None);
        var wantsB = selector.AcquireAsync(both, "model-b", waitForFree: true, CancellationToken.None);

        // The running jobs never end. New model-a tasks take a slot ahead, pass model-b over, and (but for the last)
        // leave again at once.
        for (var i = 0; i < EndpointSelector.MaxSkips - 1; i++)
        {
            (await selector.AcquireAsync(both, "model-a", waitForFree: true, CancellationToken.None)).Dispose();
        }

        using var last = await selector.AcquireAsync(both, "model-a", waitForFree: true, CancellationToken.None);
        Assert.Equal(3, selector.InFlight(Server) + selector.InFlight(Other));

        // One server's slot ahead is still free: model-b is owed it, and the newcomer waits.
        var late = selector.AcquireAsync(both, "model-a", waitForFree: true, CancellationToken.None);

        Assert.Equal(4, selector.InFlight(Server) + selector.InFlight(Other));
        Assert.False(late.IsCompleted);
        using var leaseB = await wantsB.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("model-b", selector.LoadedModel(leaseB.Endpoint));
    }
}
