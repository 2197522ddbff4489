using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SdServerless.Aws;
using SdServerless.Aws.Pool;
using SdServerless.Core;

namespace SdServerless.IntegrationTests.Pool;

/// <summary>
/// The DynamoDB registry against moto_server: each dispatcher is a registry with its own client, on one table. The
/// server answers one request at a time (<see cref="SerialMotoServer"/>), since moto's conditional writes are only
/// atomic that way.
/// </summary>
[Collection(SerialMotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbPoolRegistryContractTests(SerialMotoServer moto) : PoolRegistryContractTests
{
    private readonly List<AmazonDynamoDBClient> _clients = [];
    private string _table = "";

    public override async Task InitializeAsync() => _table = await moto.CreatePoolTableAsync();

    public override Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnUnreachableTableIsADependencyOutage()
    {
        using var client = AwsClientFactory.CreateDynamoDb(MotoServer.ClosedPortUrl(), MotoServer.Region, MotoServer.Credentials);
        var registry = new DynamoDbPoolRegistry(client, _table, [], new PoolRules(), Clock);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => registry.ServersAsync(Runtime, default));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => registry.AcquireAsync(new LeaseRequest(Runtime, "t1", null, TimeSpan.FromMinutes(1)), TimeSpan.Zero, default));
    }

    [Fact]
    public async Task ANewLeaseForAnotherCheckpointCountsAsLoadedBeforeTheServerItemSaysSo()
    {
        // A dispatcher that leased the server for model-b has not yet written model-b into the server's item: another
        // dispatcher reading now must not queue a model-a task behind that switch.
        var registry = Connect(new PoolRules(RequestsAhead: 1));
        await registry.RegisterAsync(new PoolServer { Runtime = Runtime, Url = ServerA, LoadedModel = "model-a" }, default);
        var now = Clock.GetUtcNow();
        await PutItemAsync(
            $"lease#{ServerA}#0",
            ("url", S(ServerA)), ("slot", N(0)), ("owner", S("other-dispatcher")), ("task_id", S("t-b")), ("model", S("model-b")),
            ("acquired_at", N(now.ToUnixTimeMilliseconds())), ("lease_expires_at", N((now + TimeSpan.FromMinutes(5)).ToUnixTimeMilliseconds())));

        Assert.Null(await registry.AcquireAsync(new LeaseRequest(Runtime, "t-a", "model-a", TimeSpan.FromMinutes(1)), TimeSpan.Zero, default));
        var behind = await registry.AcquireAsync(new LeaseRequest(Runtime, "t-b2", "model-b", TimeSpan.FromMinutes(1)), TimeSpan.Zero, default);
        Assert.Equal((ServerA, 1), (behind?.Url, behind?.Slot));
    }

    [Fact]
    public async Task AWaiterThatCrashedHoldsAnotherCheckpointBackOnlyForItsPatience()
    {
        // A patience well beyond the first wait, so that a slow first read under a loaded test run cannot outlast it.
        var rules = new PoolRules { SwitchPatience = TimeSpan.FromSeconds(2) };
        var registry = Connect(rules);
        await registry.RegisterAsync(new PoolServer { Runtime = Runtime, Url = ServerA, LoadedModel = "model-a" }, default);
        var now = Clock.GetUtcNow();
        await PutItemAsync(
            "wait#crashed-dispatcher",
            ("owner", S("crashed-dispatcher")), ("task_id", S("t-a")), ("model", S("model-a")),
            ("waiting_since", N(now.ToUnixTimeMilliseconds())), ("wait_expires_at", N((now + TimeSpan.FromMinutes(5)).ToUnixTimeMilliseconds())));

        var request = new LeaseRequest(Runtime, "t-b", "model-b", TimeSpan.FromMinutes(1));
        Assert.Null(await registry.AcquireAsync(request, TimeSpan.FromMilliseconds(400), default));
        var started = Stopwatch.GetTimestamp();
        var lease = await registry.AcquireAsync(request, TimeSpan.FromSeconds(10), default);

        Assert.Equal(ServerA, lease?.Url);
        Assert.True(Stopwatch.GetElapsedTime(started) >= rules.SwitchPatience, "switched before its patience was spent");
    }

    [Fact]
    public async Task ACheckpointGetsNoMoreServersThanItsShareOfTheSubmissionsAsks()
    {
        // Two runtimes, the same two servers of model-a each, the same tasks; only the first counted its submissions:
        // nine of model-a for one of model-b, so model-b's share is one of the two GPUs.
        var registry = Connect(new PoolRules());
        foreach (var runtime in new[] { "counted", "uncounted" })
        {
            foreach (var url in new[] { ServerA, "http://10.0.3.19:7861" })
            {
                await registry.RegisterAsync(new PoolServer { Runtime = runtime, Url = url, LoadedModel = "model-a" }, default);
            }
        }

        for (var i = 0; i < 10; i++)
        {
            await registry.RecordDemandAsync("counted", i == 0 ? "model-b" : "model-a.safetensors", default);
        }

        var third = new Dictionary<string, PoolLease?>();
        foreach (var runtime in new[] { "counted", "uncounted" })
        {
            LeaseRequest Wants(string id) => new(runtime, id, "model-b", TimeSpan.FromMinutes(1));
            var first = await registry.AcquireAsync(Wants("b1"), TimeSpan.Zero, default);
            await registry.ReleaseAsync(first!, default);
            var second = await registry.AcquireAsync(Wants("b2"), TimeSpan.Zero, default);
            Assert.Equal(first!.Url, second?.Url);

            // One more model-b task waits where all can see it: two wait for the one model-b slot, reason to switch.
            var waiting = Connect(new PoolRules()).AcquireAsync(Wants("waits"), TimeSpan.FromSeconds(2), default);
            await Task.Delay(400);
            third[runtime] = await registry.AcquireAsync(Wants("b3"), TimeSpan.Zero, default);
            await waiting;
        }

        Assert.Null(third["counted"]);
        Assert.NotNull(third["uncounted"]);

        // Held back by the share alone beside an idle server, a task gives its dispatcher back soon rather than at its
        // wait's end or once its patience runs out: at once when an older task already waits for the one model-b GPU's
        // next slot; that one, alone again, waits for the slot like any waiter.
        var started = Stopwatch.GetTimestamp();
        var oldest = Connect(new PoolRules()).AcquireAsync(new LeaseRequest("counted", "b4", "model-b", TimeSpan.FromMinutes(1)), TimeSpan.FromSeconds(3), default);
        await Task.Delay(400);
        var later = Stopwatch.GetTimestamp();
        Assert.Null(await registry.AcquireAsync(new LeaseRequest("counted", "b5", "model-b", TimeSpan.FromMinutes(1)), TimeSpan.FromSeconds(15), default));
        Assert.InRange(Stopwatch.GetElapsedTime(later), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Null(await oldest);
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromSeconds(2.9), "the one waiter for the slot gave up before its wait ended");

        // The oldest of two held back, after a while: the newer one (its item written by a dispatcher that began to wait
        // later) does not cover this one's place.
        var now = Clock.GetUtcNow();
        await PutItemAsync(
            "counted",
            "wait#newer-dispatcher",
            ("owner", S("newer-dispatcher")), ("task_id", S("b-newer")), ("model", S("model-b")),
            ("waiting_since", N((now + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds())), ("wait_expires_at", N((now + TimeSpan.FromMinutes(5)).ToUnixTimeMilliseconds())));
        started = Stopwatch.GetTimestamp();
        Assert.Null(await registry.AcquireAsync(new LeaseRequest("counted", "b6", "model-b", TimeSpan.FromMinutes(1)), TimeSpan.FromSeconds(15), default));
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(1.5), new PoolRules().SwitchPatience - TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task ATaskOthersAlreadyWaitForGivesItsDispatcherBackWhileAnotherCheckpointsServerHasRoom()
    {
        // model-a's server runs one task and has room for one more behind it; model-b's server is full. A model-b task
        // cannot take that room (it would queue behind model-a's work and then reload); model-b has the one GPU its share
        // of the submissions asks for, and an older model-b task already waits for that GPU's next slot: the dispatcher
        // is more use with the next task in the queue.
        const string ServerB = "http://10.0.3.19:7861";
        var rules = new PoolRules(RequestsAhead: 1);
        var registry = Connect(rules);
        await registry.RegisterAsync(new PoolServer { Runtime = Runtime, Url = ServerA, LoadedModel = "model-a" }, default);
        await registry.RegisterAsync(new PoolServer { Runtime = Runtime, Url = ServerB, LoadedModel = "model-b" }, default);
        foreach (var model in new[] { "model-a", "model-a", "model-b", "model-b" })
        {
            await registry.RecordDemandAsync(Runtime, model, default);
        }

        LeaseRequest Wants(string id, string model) => new(Runtime, id, model, TimeSpan.FromMinutes(1));
        var a1 = await registry.AcquireAsync(Wants("a1", "model-a"), TimeSpan.Zero, default);
        Assert.Equal(ServerA, a1?.Url);
        Assert.Equal(ServerB, (await registry.AcquireAsync(Wants("b1", "model-b"), TimeSpan.Zero, default))?.Url);
        Assert.Equal(ServerB, (await registry.AcquireAsync(Wants("b2", "model-b"), TimeSpan.Zero, default))?.Url);

        var oldest = Connect(rules).AcquireAsync(Wants("b3", "model-b"), TimeSpan.FromSeconds(5), default);
        await Task.Delay(400);
        var started = Stopwatch.GetTimestamp();
        Assert.Null(await registry.AcquireAsync(Wants("b4", "model-b"), TimeSpan.FromSeconds(3), default));
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(1));

        // Once model-b's share asks for both GPUs, its waiters are what switches a server to it, when a switch makes the
        // backlogs end sooner; here moving model-a's only server would leave model-a's tasks left without a GPU, so no
        // server is coming and the task still gives its dispatcher back at once.
        for (var i = 0; i < 4; i++)
        {
            await registry.RecordDemandAsync(Runtime, "model-b", default);
        }

        var shortOfShare = Stopwatch.GetTimestamp();
        Assert.Null(await registry.AcquireAsync(Wants("b5", "model-b"), TimeSpan.FromSeconds(3), default));
        Assert.InRange(Stopwatch.GetElapsedTime(shortOfShare), TimeSpan.Zero, TimeSpan.FromSeconds(1));

        // Once model-a's counted tasks have run (its server busy with one more, never idle meanwhile), moving that server
        // pays: the task stays, its waiters are what will switch it.
        var a2 = await registry.AcquireAsync(Wants("a2", "model-a"), TimeSpan.Zero, default);
        Assert.Equal(ServerA, a2?.Url);
        await registry.ReleaseAsync(a1!, default);
        Assert.Equal(ServerA, (await registry.AcquireAsync(Wants("a3-uncounted", "model-a"), TimeSpan.Zero, default))?.Url);
        await registry.ReleaseAsync(a2!, default);
        var staying = Stopwatch.GetTimestamp();
        Assert.Null(await registry.AcquireAsync(Wants("b6", "model-b"), TimeSpan.FromSeconds(1), default));
        Assert.True(Stopwatch.GetElapsedTime(staying) >= TimeSpan.FromSeconds(0.9), "a task a switch would serve gave its dispatcher back");

        // The oldest waits on: nothing older covers its place.
        Assert.Null(await oldest);
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromSeconds(4), "the oldest waiter gave up before its wait ended");
    }

    [Fact]
    public async Task OnceACheckpointsTasksHaveRunItsServersMaySwitchToWhatIsLeft()
    {
        const string Server2 = "http://10.0.3.19:7861";
        var registry = Connect(new PoolRules());
        await registry.RegisterAsync(new PoolServer { Runtime = Runtime, Url = ServerA, LoadedModel = "model-a" }, default);
        await registry.RegisterAsync(new PoolServer { Runtime = Runtime, Url = Server2, LoadedModel = "model-a" }, default);
        foreach (var model in new[] { "model-a", "model-a", "model-b", "model-b" })
        {
            await registry.RecordDemandAsync(Runtime, model, default);
        }

        LeaseRequest Wants(string id, string model) => new(Runtime, id, model, TimeSpan.FromMinutes(1));
        var b1 = await registry.AcquireAsync(Wants("b1", "model-b"), TimeSpan.Zero, default);
        var waiting = Connect(new PoolRules()).AcquireAsync(Wants("waits", "model-b"), TimeSpan.FromSeconds(3), default);
        await UntilWaiterItemsAsync(1);
        Assert.Null(await registry.AcquireAsync(Wants("b2", "model-b"), TimeSpan.Zero, default));
        await waiting;

        // Both model-a tasks run on the other server: model-a's backlog is gone, model-b's share is every GPU.
        var other = b1!.Url == ServerA ? Server2 : ServerA;
        for (var i = 0; i < 2; i++)
        {
            var a = await registry.AcquireAsync(Wants($"a{i}", "model-a"), TimeSpan.Zero, default);
            Assert.Equal(other, a?.Url);
            await registry.ReleaseAsync(a!, default);
        }

        // With two model-b tasks left, the one model-b GPU ends them as soon as a switched server would (its load
        // counted as two generations): the server stays. With four more submitted it moves.
        waiting = Connect(new PoolRules()).AcquireAsync(Wants("waits-again", "model-b"), TimeSpan.FromSeconds(3), default);
        await UntilWaiterItemsAsync(1);
        Assert.Null(await registry.AcquireAsync(Wants("b3", "model-b"), TimeSpan.Zero, default));
        await waiting;
        for (var i = 0; i < 4; i++)
        {
            await registry.RecordDemandAsync(Runtime, "model-b", default);
        }

        waiting = Connect(new PoolRules()).AcquireAsync(Wants("waits-once-more", "model-b"), TimeSpan.FromSeconds(3), default);
        await UntilWaiterItemsAsync(1);
        Assert.Equal(other, (await registry.AcquireAsync(Wants("b4", "model-b"), TimeSpan.Zero, default))?.Url);
        await waiting;
    }

    [Fact]
    public async Task AServerOfTheCheckpointAheadTakesATaskOfTheOneBehindOnceItsBacklogIsTheLonger()
    {
        // Two model-a servers (one full, one with its queued slot free) and two full model-b ones, one GPU each.
        string[] a = [ServerA, "http://10.0.3.20:7861"], b = ["http://10.0.3.21:7861", "http://10.0.3.22:7861"];
        var registry = Connect(new PoolRules(RequestsAhead: 1));
        foreach (var (url, model) in a.Select(u => (u, "model-a")).Concat(b.Select(u => (u, "model-b"))))
        {
            await registry.RegisterAsync(new PoolServer { Runtime = Runtime, Url = url, LoadedModel = model }, default);
        }

        LeaseRequest Wants(string id, string model) => new(Runtime, id, model, TimeSpan.FromMinutes(1));
        async Task RecordAsync(string model, int tasks)
        {
            for (var i = 0; i < tasks; i++)
            {
                await registry.RecordDemandAsync(Runtime, model, default);
            }
        }

        await RecordAsync("model-a", 4);
        await RecordAsync("model-b", 4);
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains((await registry.AcquireAsync(Wants($"a{i}", "model-a"), TimeSpan.Zero, default))?.Url, a);
        }

        for (var i = 0; i < 4; i++)
        {
            Assert.Contains((await registry.AcquireAsync(Wants($"b{i}", "model-b"), TimeSpan.Zero, default))?.Url, b);
        }

        // As many tasks left of each for as many GPUs: the model-b task waits for its own servers.
        Assert.Null(await registry.AcquireAsync(Wants("b-even", "model-b"), TimeSpan.Zero, default));

        // Twelve model-b tasks for two GPUs against four model-a ones: moving a server to model-b ends both sooner.
        await RecordAsync("model-b", 8);
        var moved = await registry.AcquireAsync(Wants("b-behind", "model-b"), TimeSpan.Zero, default);
        Assert.Contains(moved?.Url, a);
        Assert.Equal(1, moved!.Slot);
    }

    [Fact]
    public async Task DispatchersRebalancingAtTheSameMomentMoveOneServerNotBoth()
    {
        // Two model-a servers, each running a task with its queued slot free, and two full model-b servers; model-b's
        // backlog is far the longer, so moving one model-a server pays, moving both would leave model-a without a GPU.
        // Two dispatchers (each its own registry) ask for a model-b slot at once, in several rounds.
        for (var round = 0; round < 6; round++)
        {
            var runtime = $"{Runtime}-{round}";
            string[] a = [$"http://10.0.4.{round}:7861", $"http://10.0.5.{round}:7861"], b = [$"http://10.0.6.{round}:7861", $"http://10.0.7.{round}:7861"];
            var setup = Connect(new PoolRules(RequestsAhead: 1));
            foreach (var (url, model) in a.Select(u => (u, "model-a")).Concat(b.Select(u => (u, "model-b"))))
            {
                await setup.RegisterAsync(new PoolServer { Runtime = runtime, Url = url, LoadedModel = model }, default);
            }

            LeaseRequest Wants(string id, string model) => new(runtime, id, model, TimeSpan.FromMinutes(1));
            for (var i = 0; i < 16; i++)
            {
                await setup.RecordDemandAsync(runtime, i < 4 ? "model-a" : "model-b", default);
            }

            for (var i = 0; i < 2; i++)
            {
                Assert.Contains((await setup.AcquireAsync(Wants($"a{i}", "model-a"), TimeSpan.Zero, default))?.Url, a);
            }

            for (var i = 0; i < 4; i++)
            {
                Assert.Contains((await setup.AcquireAsync(Wants($"b{i}", "model-b"), TimeSpan.Zero, default))?.Url, b);
            }

            var first = Connect(new PoolRules(RequestsAhead: 1));
            var second = Connect(new PoolRules(RequestsAhead: 1));
            var leases = await Task.WhenAll(
                Task.Run(() => first.AcquireAsync(Wants("b-x", "model-b"), TimeSpan.Zero, default)),
                Task.Run(() => second.AcquireAsync(Wants("b-y", "model-b"), TimeSpan.Zero, default)));

            var moved = Assert.Single(leases, l => l is not null);
            Assert.Contains(moved!.Url, a);
        }
    }

    [Fact]
    public async Task WaitingDispatchersSwitchOneIdleServerAtATimeNotTheLastOfACheckpointWithTasksLeft()
    {
        // A full model-b server and two idle model-a ones, model-b's backlog far the longer. Two model-b tasks wait at
        // once (each dispatcher its own registry): seeing each other, each would switch an idle model-a server; judged
        // one at a time, the second sees model-b with two GPUs after the first switch and leaves model-a its last one.
        for (var round = 0; round < 4; round++)
        {
            var runtime = $"{Runtime}-idle-{round}";
            string[] a = [$"http://10.0.8.{round}:7861", $"http://10.0.9.{round}:7861"];
            var setup = Connect(new PoolRules());
            await setup.RegisterAsync(new PoolServer { Runtime = runtime, Url = $"http://10.0.10.{round}:7861", LoadedModel = "model-b" }, default);
            foreach (var url in a)
            {
                await setup.RegisterAsync(new PoolServer { Runtime = runtime, Url = url, LoadedModel = "model-a" }, default);
            }

            for (var i = 0; i < 22; i++)
            {
                await setup.RecordDemandAsync(runtime, i < 2 ? "model-a" : "model-b", default);
            }

            LeaseRequest Wants(string id) => new(runtime, id, "model-b", TimeSpan.FromMinutes(1));
            Assert.NotNull(await setup.AcquireAsync(Wants("b-running"), TimeSpan.Zero, default));

            var first = Connect(new PoolRules());
            var second = Connect(new PoolRules());
            var leases = await Task.WhenAll(
                Task.Run(() => first.AcquireAsync(Wants("b-x"), TimeSpan.FromSeconds(1.5), default)),
                Task.Run(() => second.AcquireAsync(Wants("b-y"), TimeSpan.FromSeconds(1.5), default)));

            var switched = Assert.Single(leases, l => l is not null);
            Assert.Contains(switched!.Url, a);
        }
    }

    [Fact]
    public async Task AWaitersItemGoesWhenItGivesUpAndWhenItsLeaseIsReleased()
    {
        var rules = new PoolRules();
        var registry = Connect(rules);
        await registry.RegisterAsync(new PoolServer { Runtime = Runtime, Url = ServerA, LoadedModel = "model-a" }, default);
        var held = await registry.AcquireAsync(new LeaseRequest(Runtime, "held", "model-a", TimeSpan.FromMinutes(1)), TimeSpan.Zero, default);

        var gaveUp = Connect(rules);
        Assert.Null(await gaveUp.AcquireAsync(new LeaseRequest(Runtime, "gives-up", "model-a", TimeSpan.FromMinutes(1)), TimeSpan.FromMilliseconds(500), default));
        Assert.Equal(0, await WaiterItemsAsync());

        var waiting = Connect(rules);
        var waited = waiting.AcquireAsync(new LeaseRequest(Runtime, "waits", "model-a", TimeSpan.FromMinutes(1)), TimeSpan.FromSeconds(20), default);
        await Task.Delay(400);
        Assert.Equal(1, await WaiterItemsAsync());
        await registry.ReleaseAsync(held!, default);
        var lease = await waited.WaitAsync(TimeSpan.FromSeconds(20));
        await waiting.ReleaseAsync(lease!, default);

        Assert.Equal(0, await WaiterItemsAsync());
    }

    /// <summary>Writes an item as another dispatcher would have (kept a day, as the registry's own items).</summary>
    private Task PutItemAsync(string sortKey, params (string Name, AttributeValue Value)[] attributes) =>
        PutItemAsync(Runtime, sortKey, attributes);

    private async Task PutItemAsync(string runtime, string sortKey, params (string Name, AttributeValue Value)[] attributes)
    {
        using var client = moto.CreateDynamoDbClient();
        var item = attributes.ToDictionary(a => a.Name, a => a.Value);
        item["runtime"] = S(runtime);
        item["sk"] = S(sortKey);
        item["expires_at"] = N((Clock.GetUtcNow() + TimeSpan.FromDays(1)).ToUnixTimeSeconds());
        await client.PutItemAsync(new PutItemRequest { TableName = _table, Item = item });
    }

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Waits until that many dispatchers show they wait (their first read and item written), at most 2 s.</summary>
    private async Task UntilWaiterItemsAsync(int count)
    {
        var started = Stopwatch.GetTimestamp();
        while (await WaiterItemsAsync() < count)
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2), "a waiting dispatcher never showed its waiter item");
            await Task.Delay(50);
        }
    }

    private async Task<int> WaiterItemsAsync()
    {
        using var client = moto.CreateDynamoDbClient();
        var items = await client.ScanAsync(new ScanRequest { TableName = _table });
        return items.Items.Count(i => i["sk"].S.StartsWith("wait#", StringComparison.Ordinal));
    }

    protected override IPoolRegistry Connect(PoolRules rules, IReadOnlyList<PoolServer>? fixedServers = null)
    {
        var client = moto.CreateDynamoDbClient();
        _clients.Add(client);
        return new DynamoDbPoolRegistry(client, _table, fixedServers ?? [], rules, Clock);
    }
}
