namespace SdServerless.UnitTests.Pool;

public sealed class InProcessPoolRegistryAffinityTests
{
    private const string Server = "http://10.0.0.5:7861";
    private const string Other = "http://10.0.0.6:7861";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Runtime "server": Server alone; "other": Other alone; "both": the two.</summary>
    private static InProcessPool Pool(PoolRules rules) =>
        InProcessPool.Create(rules, new Dictionary<string, string[]> { ["server"] = [Server], ["other"] = [Other], ["both"] = [Server, Other] });

    [Theory]
    [InlineData(true, "model-a")]
    [InlineData(false, "model-b")]
    public async Task AFreedServerGoesToTheWaiterWantingItsModelOnlyWithAffinity(bool affinity, string expectedModel)
    {
        var pool = Pool(new PoolRules(ModelAffinity: affinity));
        var busy = await pool.WaitAsync("server", "model-a");
        var olderWantsB = pool.WaitAsync("server", "model-b");
        var youngerWantsA = pool.WaitAsync("server", "model-a");

        await pool.ReleaseAsync(busy);

        var granted = await Task.WhenAny(olderWantsB, youngerWantsA).WaitAsync(Bound);
        Assert.Equal(expectedModel, granted == youngerWantsA ? "model-a" : "model-b");
        Assert.False((granted == youngerWantsA ? olderWantsB : youngerWantsA).IsCompleted);
        Assert.Equal(expectedModel, await pool.LoadedModelAsync("server", Server));
    }

    [Fact]
    public async Task WithoutAffinityAFreeServerIsChosenRegardlessOfItsModel()
    {
        var pool = Pool(new PoolRules(ModelAffinity: false));
        await pool.Registry.ObserveLoadedModelAsync("both", Server, "model-a", CancellationToken.None);
        await pool.Registry.ObserveLoadedModelAsync("both", Other, "model-b", CancellationToken.None);

        var chosen = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var lease = await pool.TakeAsync("both", "model-a");
            chosen.Add(lease.Url);
            await pool.ReleaseAsync(lease);
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
        var pool = Pool(new PoolRules(RequestsAhead: ahead));
        var leases = new List<Task<PoolLease>>();
        for (var i = 0; i < 4; i++)
        {
            leases.Add(pool.WaitAsync("server", null));
        }

        Assert.Equal(expectedImmediate, leases.Count(l => l.IsCompletedSuccessfully));
        Assert.Equal(expectedImmediate, pool.LeasedSlots(Server));

        await pool.ReleaseAsync(await leases[0]);

        // The freed slot goes to the next waiter; its AcquireAsync completes on a pool thread, so wait for it.
        await leases[expectedImmediate].WaitAsync(Bound);
        Assert.Equal(expectedImmediate + 1, leases.Count(l => l.IsCompletedSuccessfully));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithAffinityATaskOfAnotherModelDoesNotQueueBehindABusyServer(bool affinity)
    {
        var pool = Pool(new PoolRules(RequestsAhead: 1, ModelAffinity: affinity));
        var running = await pool.WaitAsync("server", "model-a");

        var wantsB = pool.WaitAsync("server", "model-b");

        // Queued behind model-a, model-b would cost a checkpoint switch that a later model-a task would not.
        Assert.Equal(!affinity, wantsB.IsCompletedSuccessfully);
        if (!affinity)
        {
            return;
        }

        var wantsA = pool.WaitAsync("server", "model-a");
        Assert.True(wantsA.IsCompletedSuccessfully, "the slot ahead was kept for the loaded model");

        // The server's GPU frees up and nothing else of model-a waits: now model-b's turn, not before.
        await pool.ReleaseAsync(running);
        Assert.False(wantsB.IsCompleted);
        await pool.ReleaseAsync(await wantsA);
        await wantsB.WaitAsync(Bound);
        Assert.Equal("model-b", await pool.LoadedModelAsync("server", Server));
    }

    [Fact]
    public async Task WithAffinityAnIdleServerTakesATaskOfAnotherModel()
    {
        var pool = Pool(new PoolRules(RequestsAhead: 1));
        await pool.WaitAsync("server", "model-a");
        await pool.ReleaseAsync(await pool.WaitAsync("other", "model-a"));

        // Other has model-a loaded but nothing to do: a model-b task goes there at once rather than leave it idle.
        var lease = await pool.WaitAsync("both", "model-b");

        Assert.Equal(Other, lease.Url);
    }

    [Fact]
    public async Task NewTasksOfTheLoadedModelPassAWaitingTaskOverAtMostMaxSkipsTimes()
    {
        var pool = Pool(new PoolRules(RequestsAhead: 1));
        var running = await pool.WaitAsync("server", "model-a");
        var wantsB = pool.WaitAsync("server", "model-b");

        // Each round a new model-a task takes the slot ahead, then the running one answers. No model-a task ever
        // waits, so only newcomers pass model-b over; without a bound they would do so for ever.
        // (Whether model-b got the freed slot shows at once in the server's leased slots; its AcquireAsync
        // completes a moment later on a pool thread.)
        var rounds = 0;
        var grantedB = false;
        while (!grantedB && rounds <= InProcessPoolRegistry.MaxSkips + 1)
        {
            var next = pool.WaitAsync("server", "model-a");
            Assert.True(next.IsCompletedSuccessfully, "the slot ahead goes to the loaded model while model-b may still wait");
            rounds++;
            await pool.ReleaseAsync(running);
            grantedB = pool.LeasedSlots(Server) == 2;
            running = await next;
        }

        Assert.True(grantedB, $"model-b still waits after {rounds} model-a tasks went first");
        Assert.Equal(InProcessPoolRegistry.MaxSkips, rounds);
        await pool.ReleaseAsync(await wantsB.WaitAsync(Bound));
        await pool.ReleaseAsync(running);
    }

    [Fact]
    public async Task AWaitingTaskPassedOverMaxSkipsTimesTakesTheNextFreeSlotBeforeANewTask()
    {
        var pool = Pool(new PoolRules(RequestsAhead: 1));
        await pool.WaitAsync("server", "model-a");
        await pool.WaitAsync("other", "model-a");
        var wantsB = pool.WaitAsync("both", "model-b");

        // The running jobs never end. New model-a tasks take a slot ahead, pass model-b over, and (but for the last)
        // leave again at once.
        for (var i = 0; i < InProcessPoolRegistry.MaxSkips - 1; i++)
        {
            await pool.ReleaseAsync(await pool.WaitAsync("both", "model-a"));
        }

        await pool.WaitAsync("both", "model-a");
        Assert.Equal(3, pool.LeasedSlots(Server) + pool.LeasedSlots(Other));

        // One server's slot ahead is still free: model-b is owed it, and the newcomer waits.
        var late = pool.WaitAsync("both", "model-a");

        Assert.Equal(4, pool.LeasedSlots(Server) + pool.LeasedSlots(Other));
        Assert.False(late.IsCompleted);
        var leaseB = await wantsB.WaitAsync(Bound);
        Assert.Equal("model-b", await pool.LoadedModelAsync("both", leaseB.Url));
    }
}
