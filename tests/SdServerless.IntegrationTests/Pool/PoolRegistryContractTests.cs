using Microsoft.Extensions.Time.Testing;

namespace SdServerless.IntegrationTests.Pool;

/// <summary>
/// What every <see cref="IPoolRegistry"/> must do; each implementation runs these through a subclass. Heartbeats and
/// lease expiry follow <see cref="Clock"/>; waits run on real time.
/// </summary>
public abstract class PoolRegistryContractTests : IAsyncLifetime
{
    protected const string Runtime = "sdruntime";
    protected const string ServerA = "http://10.0.3.17:7861";
    private const string ServerB = "http://10.0.3.18:7861";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(1);

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TwoDispatchersRacingNeverHoldTheSameSlot()
    {
        var rules = new PoolRules(RequestsAhead: 1);
        var first = Connect(rules);
        var second = Connect(rules);
        await first.RegisterAsync(Server(ServerA), default);
        await first.RegisterAsync(Server(ServerB), default);

        for (var round = 0; round < 8; round++)
        {
            // Six tasks, three per dispatcher, race for the four slots (two servers × one GPU × one request ahead).
            var attempts = Enumerable.Range(0, 6)
                .Select(i => Task.Run(() => (i % 2 == 0 ? first : second).AcquireAsync(Request($"r{round}-{i}"), TimeSpan.Zero, default)))
                .ToList();
            var leases = (await Task.WhenAll(attempts).WaitAsync(Bound)).OfType<PoolLease>().ToList();

            Assert.Equal(4, leases.Count);
            Assert.Equal(4, leases.Select(l => (l.Url, l.Slot)).Distinct().Count());
            await Task.WhenAll(leases.Select((l, i) => (i % 2 == 0 ? first : second).ReleaseAsync(l, default)));
        }
    }

    [Fact]
    public async Task AnExpiredLeaseIsTakenOverAndItsOldOwnerCannotReleaseTheNewOne()
    {
        var rules = new PoolRules();
        var registry = Connect(rules);
        await registry.RegisterAsync(Server(ServerA), default);
        var old = await AcquireNowAsync(registry, "old");
        Assert.Null(await registry.AcquireAsync(Request("blocked"), TimeSpan.Zero, default));

        Clock.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await registry.HeartbeatAsync(Runtime, ServerA, default);
        var taken = await AcquireNowAsync(Connect(rules), "new");
        await registry.ReleaseAsync(old, default);

        Assert.Equal((old.Url, old.Slot), (taken.Url, taken.Slot));
        Assert.Null(await registry.AcquireAsync(Request("still-blocked"), TimeSpan.Zero, default));
        Assert.True(await registry.IsRunningAsync(taken, default));
    }

    [Fact]
    public async Task AStaleServerIsNeverChosen()
    {
        var registry = Connect(new PoolRules());
        await registry.RegisterAsync(Server(ServerA), default);
        await registry.RegisterAsync(Server(ServerB), default);

        Clock.Advance(PoolRules.StaleAfter + TimeSpan.FromSeconds(1));
        await registry.HeartbeatAsync(Runtime, ServerB, default);

        Assert.Equal([ServerB], (await registry.ServersAsync(Runtime, default)).Select(s => s.Url));
        Assert.Equal(ServerB, (await AcquireNowAsync(registry, "t1")).Url);
        Assert.Null(await registry.AcquireAsync(Request("t2"), TimeSpan.FromMilliseconds(300), default));
    }

    [Fact]
    public async Task AffinityPrefersTheServerWithTheTasksCheckpointLoaded()
    {
        var registry = Connect(new PoolRules());
        await registry.RegisterAsync(Server(ServerA) with { LoadedModel = "model-a.safetensors" }, default);
        await registry.RegisterAsync(Server(ServerB) with { LoadedModel = "model-b.safetensors [0123456789]" }, default);

        for (var i = 0; i < 4; i++)
        {
            var wantsB = await AcquireNowAsync(registry, $"b{i}", "model-b");
            var wantsA = await AcquireNowAsync(registry, $"a{i}", "model-a.safetensors");

            Assert.Equal(ServerB, wantsB.Url);
            Assert.Equal(ServerA, wantsA.Url);
            await registry.ReleaseAsync(wantsB, default);
            await registry.ReleaseAsync(wantsA, default);
        }
    }

    [Fact]
    public async Task ALeaseForACheckpointMakesItTheServersLoadedModelWhichAReportDoesNotOverride()
    {
        var registry = Connect(new PoolRules());
        await registry.RegisterAsync(Server(ServerA) with { LoadedModel = "model-a" }, default);

        await AcquireNowAsync(registry, "t1", "model-b");
        await registry.ObserveLoadedModelAsync(Runtime, ServerA, "model-c", default);

        Assert.Equal("model-b", (await registry.ServersAsync(Runtime, default)).Single().LoadedModel);
    }

    [Fact]
    public async Task TheSlotQueuedBehindRunningWorkIsKeptForTheLoadedCheckpoint()
    {
        var registry = Connect(new PoolRules(RequestsAhead: 1));
        await registry.RegisterAsync(Server(ServerA), default);
        await AcquireNowAsync(registry, "running", "model-a");

        Assert.Null(await registry.AcquireAsync(Request("other", "model-b"), TimeSpan.FromMilliseconds(200), default));
        Assert.Equal(ServerA, (await AcquireNowAsync(registry, "same", "model-a")).Url);
    }

    [Fact]
    public async Task AFreedServerGoesToATaskWaitingForItsCheckpointNotToAnOlderOneThatWouldSwitchIt()
    {
        var rules = new PoolRules();
        var registry = Connect(rules);
        await registry.RegisterAsync(Server(ServerA) with { LoadedModel = "model-a" }, default);

        // Four rounds: a registry that let whichever waiter asks first switch the server would pass each by chance.
        for (var round = 0; round < 4; round++)
        {
            var held = await AcquireNowAsync(registry, $"held-{round}", "model-a");
            var (otherDispatcher, sameDispatcher) = (Connect(rules), Connect(rules));
            var other = otherDispatcher.AcquireAsync(Request($"b-{round}", "model-b"), Bound, default);
            await Task.Delay(100);
            var same = sameDispatcher.AcquireAsync(Request($"a-{round}", "model-a"), Bound, default);
            await Task.Delay(400);
            Assert.False(other.IsCompleted || same.IsCompleted, "a task took the held slot");

            await registry.ReleaseAsync(held, default);
            var kept = await same.WaitAsync(Bound + Bound);
            Assert.Equal(ServerA, kept?.Url);
            Assert.False(other.IsCompleted, "the task of another checkpoint took the slot");

            // Once nobody waits for model-a, the other task switches the idle server.
            await sameDispatcher.ReleaseAsync(kept!, default);
            var switched = await other.WaitAsync(Bound + Bound);
            Assert.Equal(ServerA, switched?.Url);
            await otherDispatcher.ReleaseAsync(switched!, default);
        }
    }

    [Fact]
    public async Task ATaskThatMustAvoidAServerIsNeverGivenIt()
    {
        var registry = Connect(new PoolRules(RequestsAhead: 1));
        await registry.RegisterAsync(Server(ServerA), default);
        await registry.RegisterAsync(Server(ServerB), default);
        var avoiding = (string id) => Request(id) with { Avoid = ServerA + "/" };

        var first = await registry.AcquireAsync(avoiding("t1"), TimeSpan.Zero, default);
        var second = await registry.AcquireAsync(avoiding("t2"), TimeSpan.Zero, default);
        Assert.Equal((ServerB, ServerB), (first?.Url, second?.Url));
        Assert.Null(await registry.AcquireAsync(avoiding("t3"), TimeSpan.FromMilliseconds(300), default));

        var waiting = registry.AcquireAsync(avoiding("t4"), Bound, default);
        await registry.ReleaseAsync(first!, default);
        Assert.Equal(ServerB, (await waiting.WaitAsync(Bound + Bound))?.Url);
        Assert.Equal(ServerA, (await AcquireNowAsync(registry, "anywhere")).Url);
    }

    [Fact]
    public async Task WithNoServerAcquiringGivesNothingAfterWaiting()
    {
        var registry = Connect(new PoolRules());
        var started = DateTime.UtcNow;

        Assert.Null(await registry.AcquireAsync(Request("t1"), TimeSpan.FromMilliseconds(400), default));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(350), "gave up before its wait was over");
    }

    [Fact]
    public async Task AReleaseFreesTheSlotForAWaiter()
    {
        var registry = Connect(new PoolRules());
        await registry.RegisterAsync(Server(ServerA), default);
        var held = await AcquireNowAsync(registry, "held");

        var waiting = Connect(new PoolRules()).AcquireAsync(Request("waiting"), Bound, default);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        await registry.ReleaseAsync(held, default);

        var lease = await waiting.WaitAsync(Bound + Bound);
        Assert.Equal(ServerA, lease?.Url);
    }

    [Fact]
    public async Task HeartbeatsTellWhetherTheServerHasAnEntry()
    {
        var registry = Connect(new PoolRules());

        Assert.False(await registry.HeartbeatAsync(Runtime, ServerA, default));
        await registry.RegisterAsync(Server(ServerA), default);
        Assert.True(await registry.HeartbeatAsync(Runtime, ServerA, default));
    }

    [Fact]
    public async Task DeregisteringRemovesTheServer()
    {
        var registry = Connect(new PoolRules());
        await registry.RegisterAsync(Server(ServerA), default);
        await registry.RegisterAsync(Server(ServerB), default);

        await registry.DeregisterAsync(Runtime, ServerA, default);

        Assert.Equal([ServerB], (await registry.ServersAsync(Runtime, default)).Select(s => s.Url));
        Assert.False(await registry.HeartbeatAsync(Runtime, ServerA, default));
    }

    [Fact]
    public async Task ARegisteredServerIsListedWithWhatItReported()
    {
        var registry = Connect(new PoolRules());
        await registry.RegisterAsync(
            Server(ServerA) with { Gpus = 2, LoadedModel = "m1", Models = ["m1", "m2"], OptionKeys = ["CLIP_stop_at_last_layers"], InstanceId = "i-0abc" },
            default);

        var server = Assert.Single(await registry.ServersAsync(Runtime, default));

        Assert.Equal((ServerA, 2, "m1", "i-0abc", false), (server.Url, server.Gpus, server.LoadedModel, server.InstanceId, server.Fixed));
        Assert.Equal(["m1", "m2"], server.Models);
        Assert.Equal(["CLIP_stop_at_last_layers"], server.OptionKeys);
        Assert.Empty(await registry.ServersAsync("another-runtime", default));
    }

    [Fact]
    public async Task OnlyTheLeaseAGpuRunsIsRunningNotTheOneQueuedBehindIt()
    {
        var registry = Connect(new PoolRules(RequestsAhead: 1));
        await registry.RegisterAsync(Server(ServerA), default);
        var running = await AcquireNowAsync(registry, "running", "model-a");
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        var queued = await AcquireNowAsync(registry, "queued", "model-a");

        Assert.True(await registry.IsRunningAsync(running, default));
        Assert.False(await registry.IsRunningAsync(queued, default));

        await registry.ReleaseAsync(running, default);
        Assert.True(await registry.IsRunningAsync(queued, default));
        Assert.False(await registry.IsRunningAsync(running, default));
    }

    [Fact]
    public async Task AConfiguredEndpointIsAnEntryThatNeverGoesStale()
    {
        var configured = new PoolServer { Runtime = Runtime, Url = ServerA, Gpus = 2 };
        var registry = Connect(new PoolRules(), [configured]);

        Clock.Advance(TimeSpan.FromHours(1));
        await registry.ObserveLoadedModelAsync(Runtime, ServerA, "model-a", default);
        var first = await AcquireNowAsync(registry, "t1");
        var second = await AcquireNowAsync(Connect(new PoolRules(), [configured]), "t2");

        var server = Assert.Single(await registry.ServersAsync(Runtime, default));
        Assert.Equal((ServerA, 2, "model-a", true), (server.Url, server.Gpus, server.LoadedModel, server.Fixed));
        Assert.NotEqual(first.Slot, second.Slot);
        Assert.Null(await registry.AcquireAsync(Request("t3"), TimeSpan.Zero, default));
    }

    /// <summary>
    /// A registry over this test's pool, as one dispatcher sees it: every call shares the same pool (its own client
    /// where there is one), with <see cref="Clock"/>.
    /// </summary>
    protected abstract IPoolRegistry Connect(PoolRules rules, IReadOnlyList<PoolServer>? fixedServers = null);

    private static PoolServer Server(string url) => new() { Runtime = Runtime, Url = url };

    private static LeaseRequest Request(string taskId, string? model = null) => new(Runtime, taskId, model, LeaseDuration);

    private static async Task<PoolLease> AcquireNowAsync(IPoolRegistry registry, string taskId, string? model = null) =>
        await registry.AcquireAsync(Request(taskId, model), TimeSpan.Zero, default) ?? throw new InvalidOperationException($"no free slot for {taskId}");
}
