namespace SdServerless.UnitTests.Pool;

public sealed class InProcessPoolRegistryTests
{
    private const string ModelA = "a.safetensors";
    private const string ModelB = "b.safetensors";
    private static readonly string[] Servers = ["http://gpu-1", "http://gpu-2", "http://gpu-3"];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Runtime "one": gpu-1; "two": gpu-1 and gpu-2; "three": all three.</summary>
    private static InProcessPool Pool(PoolRules? rules = null, IReadOnlyDictionary<string, int>? gpus = null) =>
        InProcessPool.Create(rules ?? new PoolRules(), new Dictionary<string, string[]> { ["one"] = Servers[..1], ["two"] = Servers[..2], ["three"] = Servers }, gpus);

    private static async Task<InProcessPool> PoolWithModelsAsync(params string?[] loaded)
    {
        var pool = Pool();
        for (var i = 0; i < loaded.Length; i++)
        {
            if (loaded[i] is { } model)
            {
                await pool.Registry.ObserveLoadedModelAsync("three", Servers[i], model, CancellationToken.None);
            }
        }

        return pool;
    }

    [Fact]
    public async Task AFreeServerWithTheModelLoadedIsPreferred()
    {
        var pool = await PoolWithModelsAsync(ModelA, ModelB, ModelA);

        var first = await pool.TakeAsync("three", ModelB);

        Assert.Equal("http://gpu-2", first.Url);
    }

    [Fact]
    public async Task EveryModelSpellingCountsAsTheLoadedModel()
    {
        var pool = await PoolWithModelsAsync(ModelA, "b.safetensors [0123456789]");

        var lease = await pool.TakeAsync("two", "b");

        Assert.Equal("http://gpu-2", lease.Url);
    }

    [Fact]
    public async Task WhenTheServerWithTheModelIsBusyAnotherFreeOneIsTaken()
    {
        var pool = await PoolWithModelsAsync(ModelA, ModelB);
        await pool.TakeAsync("two", ModelB);

        var lease = await pool.TakeAsync("two", ModelB);

        Assert.Equal("http://gpu-1", lease.Url);
        Assert.Equal(ModelB, await pool.LoadedModelAsync("two", "http://gpu-1"));
    }

    [Fact]
    public async Task EachServerHasItsGpusSlotsAndAFullPoolGivesNoLease()
    {
        var pool = Pool(gpus: new Dictionary<string, int> { ["http://gpu-2"] = 4 });
        var leases = new List<PoolLease>();
        for (var i = 0; i < 5; i++)
        {
            leases.Add(await pool.TakeAsync("two", null));
        }

        Assert.Equal(1, pool.LeasedSlots("http://gpu-1"));
        Assert.Equal(4, pool.LeasedSlots("http://gpu-2"));
        Assert.Null(await pool.AcquireAsync("two", null, TimeSpan.FromMilliseconds(100)));

        foreach (var lease in leases)
        {
            await pool.ReleaseAsync(lease);
        }

        Assert.Equal(0, pool.LeasedSlots("http://gpu-1"));
        Assert.Equal(0, pool.LeasedSlots("http://gpu-2"));
    }

    [Fact]
    public async Task AWaitingTaskGetsTheFirstServerToFreeUp()
    {
        var pool = Pool();
        var busy = await pool.WaitAsync("one", null);

        var waiting = pool.WaitAsync("one", null);
        Assert.False(waiting.IsCompleted);

        await pool.ReleaseAsync(busy);
        var lease = await waiting.WaitAsync(Bound);
        Assert.Equal("http://gpu-1", lease.Url);
        Assert.Equal(1, pool.LeasedSlots("http://gpu-1"));
    }

    [Fact]
    public async Task AFreedServerGoesToAWaiterThatWantsItsModel()
    {
        var pool = Pool();
        var busy = await pool.WaitAsync("one", ModelA);
        var wantsB = pool.WaitAsync("one", ModelB);
        var wantsA = pool.WaitAsync("one", ModelA);

        await pool.ReleaseAsync(busy);

        var lease = await wantsA.WaitAsync(Bound);
        Assert.False(wantsB.IsCompleted);
        await pool.ReleaseAsync(lease);
        await wantsB.WaitAsync(Bound);
        Assert.Equal(ModelB, await pool.LoadedModelAsync("one", "http://gpu-1"));
    }

    [Fact]
    public async Task AWaiterPassedOverTooOftenIsServedAnyway()
    {
        var pool = Pool();
        var lease = await pool.WaitAsync("one", ModelA);
        var wantsB = pool.WaitAsync("one", ModelB);

        // Each round a new model-A task waits too and the running one ends: the freed slot goes to exactly one waiter,
        // whose completion may run a moment after the release, so the round awaits whichever it was.
        var rounds = 0;
        var servedB = false;
        while (!servedB && rounds <= InProcessPoolRegistry.MaxSkips + 1)
        {
            var wantsA = pool.WaitAsync("one", ModelA);
            await pool.ReleaseAsync(lease);
            var granted = await Task.WhenAny(wantsA, wantsB).WaitAsync(Bound);
            rounds++;
            lease = await granted;
            servedB = granted == wantsB;
            if (servedB)
            {
                await pool.ReleaseAsync(lease);
                lease = await wantsA.WaitAsync(Bound);
            }
        }

        Assert.True(servedB, $"model B still waits after {rounds} rounds");
        Assert.Equal(InProcessPoolRegistry.MaxSkips + 1, rounds);
        await pool.ReleaseAsync(lease);
    }

    [Fact]
    public async Task ACancelledWaiterLeavesTheQueue()
    {
        var pool = Pool();
        var busy = await pool.WaitAsync("one", null);
        using var cancel = new CancellationTokenSource();
        var waiting = pool.WaitAsync("one", null, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await pool.ReleaseAsync(busy);

        Assert.Equal(0, pool.LeasedSlots("http://gpu-1"));
    }

    [Fact]
    public async Task AWaiterThatGivesUpLeavesTheQueueAndGetsNothing()
    {
        var pool = Pool();
        var busy = await pool.WaitAsync("one", null);

        Assert.Null(await pool.AcquireAsync("one", null, TimeSpan.FromMilliseconds(100)));
        await pool.ReleaseAsync(busy);

        Assert.Equal(0, pool.LeasedSlots("http://gpu-1"));
    }

    [Fact]
    public async Task AServerThatRegistersServesTheTasksWaitingForItsRuntime()
    {
        var pool = Pool();
        var waiting = pool.WaitAsync("joined", ModelA);
        Assert.False(waiting.IsCompleted);

        await pool.Registry.RegisterAsync(new PoolServer { Runtime = "joined", Url = "http://10.0.3.17:7861" }, CancellationToken.None);

        Assert.Equal("http://10.0.3.17:7861", (await waiting.WaitAsync(Bound)).Url);
    }
}
