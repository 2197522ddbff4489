namespace SdServerless.UnitTests.Pool;

/// <summary>Which free server a task takes when the registry sees the other waiting tasks.</summary>
public sealed class PoolRulesTests
{
    private static readonly PoolRules Rules = new(RequestsAhead: 1);

    /// <summary>A full model-a server (one GPU running, one request queued behind it) and an idle model-b one.</summary>
    private static readonly Dictionary<string, PoolOccupancy> Pool = new()
    {
        ["a"] = new(Gpus: 1, Slots: Rules.SlotsOf(1), Leased: 2, LoadedModel: "model-a"),
        ["b"] = new(Gpus: 1, Slots: Rules.SlotsOf(1), Leased: 0, LoadedModel: "model-b"),
    };

    /// <summary>A one-GPU server with a running and a queued slot.</summary>
    private static PoolOccupancy OneGpu(string model, int leased) => new(Gpus: 1, Slots: 2, Leased: leased, LoadedModel: model);

    private static string? Choose(string model, Dictionary<string, int> waiting, bool patienceSpent = false) =>
        Rules.ChooseFree(Pool.Keys, s => Pool[s], model, m => waiting.GetValueOrDefault(m), patienceSpent);

    [Fact]
    public void AnIdleServerSwitchesOnceTheCheckpointsWaitersOutnumberItsGpus()
    {
        // Alone, the task waits for model-a's GPU: it is next. With one more waiting, one of the two would wait a
        // whole generation more on a GPU already queued up, while model-b's GPU idles.
        Assert.Null(Choose("model-a", []));
        Assert.Equal("b", Choose("model-a", new() { ["model-a"] = 1 }));
    }

    [Fact]
    public void AnIdleServerIsLeftToTheTasksWaitingForItsCheckpointUntilPatienceRunsOut()
    {
        var waiting = new Dictionary<string, int> { ["model-a"] = 3, ["model-b"] = 1 };
        Assert.Null(Choose("model-a", waiting));
        Assert.Equal("b", Choose("model-a", waiting, patienceSpent: true));
    }

    [Fact]
    public void ATaskGivesWayOnlyWhenItsCheckpointHasItsShareAndOlderTasksWaitForItsGpus()
    {
        // model-a's GPU is full; model-b's server has room for one more behind its running task.
        PoolOccupancy[] servers = [Pool["a"], Pool["b"] with { Leased = 1 }];
        var even = new Dictionary<string, double> { ["model-a"] = 0.5, ["model-b"] = 0.5 };
        var mostlyA = new Dictionary<string, double> { ["model-a"] = 0.75, ["model-b"] = 0.25 };

        Assert.True(Rules.GivesWay(servers, "model-a", olderWaiting: 1, m => even[m]));
        Assert.False(Rules.GivesWay(servers, "model-a", olderWaiting: 0, m => even[m]));
        Assert.False(Rules.GivesWay(servers, "model-a", olderWaiting: 1, m => mostlyA[m]));
        Assert.False(Rules.GivesWay(servers, "model-a", olderWaiting: 1, demandShare: null));
        Assert.False(Rules.GivesWay([Pool["a"], Pool["b"] with { Leased = 2 }], "model-a", olderWaiting: 1, m => even[m]));
    }

    [Fact]
    public void OlderTasksWaitingForHalfOfTheCheckpointsGpusAreEnoughToGiveWay()
    {
        // Three full model-a servers, a model-b one with room: two model-a tasks already waiting cover the three slots
        // that free up in the next generation; a third would only hold a dispatcher back from the model-b tasks.
        PoolOccupancy a = OneGpu("model-a", leased: 2), b = OneGpu("model-b", leased: 1);
        PoolOccupancy[] servers = [a, a, a, b];
        var even = new Dictionary<string, double> { ["model-a"] = 0.5, ["model-b"] = 0.5 };

        Assert.True(Rules.GivesWay(servers, "model-a", olderWaiting: 2, m => even[m]));
        Assert.False(Rules.GivesWay(servers, "model-a", olderWaiting: 1, m => even[m]));
        Assert.True(Rules.GivesWay([a, a, a, a, b, b], "model-a", olderWaiting: 2, m => even[m]));
        Assert.False(Rules.GivesWay([a, a, a, a, b, b], "model-a", olderWaiting: 1, m => even[m]));
    }

    [Fact]
    public void AnIdleServerIsNotSwitchedWhenTheBacklogsWouldThenDrainLater()
    {
        // One full model-a server, three model-b ones of which one is idle for a moment; a model-a task waits and no
        // model-b one does, and model-a is short of its share. Without counts the idle server switches.
        var pool = new Dictionary<string, PoolOccupancy>
        {
            ["a1"] = OneGpu("model-a", leased: 2),
            ["b1"] = OneGpu("model-b", leased: 2),
            ["b2"] = OneGpu("model-b", leased: 2),
            ["b3"] = OneGpu("model-b", leased: 0),
        };
        var share = new Dictionary<string, double> { ["model-a"] = 0.4, ["model-b"] = 0.6 };
        string? ChooseA(Func<string, long>? remaining) => Rules.ChooseFree(
            pool.Keys, s => pool[s], "model-a", m => m == "model-a" ? 1 : 0, demandShare: m => share[m], remaining: remaining);

        Assert.Equal("b3", ChooseA(remaining: null));

        // 8 model-a tasks left for one GPU, 18 model-b for three: moved, model-b's two would take 9 generations, more
        // than the 8 model-a takes now; with 9 model-a tasks, as long, so a load for nothing. With 14 and 6 the move
        // pays (8 generations, load included, instead of 14).
        Assert.Null(ChooseA(m => m == "model-a" ? 8 : 18));
        Assert.Null(ChooseA(m => m == "model-a" ? 9 : 18));
        Assert.Equal("b3", ChooseA(m => m == "model-a" ? 14 : 6));

        // Counts that do not include the task (its submission was not counted, or its count expired) hold nothing back.
        Assert.Equal("b3", ChooseA(m => 0));
    }

    [Fact]
    public void ATaskShortOfItsShareGivesWayWhenNoSwitchWouldDrainTheBacklogsSooner()
    {
        // model-a has one GPU of the two its share asks for, but 8 tasks left against model-b's 18 on three: moving a
        // model-b server would not end sooner, so no server is coming and the task is held for nothing.
        PoolOccupancy a = OneGpu("model-a", leased: 2), b = OneGpu("model-b", leased: 2);
        PoolOccupancy[] servers = [a, b, b, b with { Leased = 0 }];
        var share = new Dictionary<string, double> { ["model-a"] = 0.5, ["model-b"] = 0.5 };

        Assert.True(Rules.GivesWay(servers, "model-a", olderWaiting: 1, m => share[m], m => m == "model-a" ? 8 : 18));
        Assert.False(Rules.GivesWay(servers, "model-a", olderWaiting: 1, m => share[m], m => m == "model-a" ? 14 : 6));
        Assert.False(Rules.GivesWay(servers, "model-a", olderWaiting: 1, m => share[m]));
    }

    [Fact]
    public void AnIdleServerSwitchesToACheckpointNoServerHasWhateverItsOwnHasLeft()
    {
        var pool = new Dictionary<string, PoolOccupancy>
        {
            ["a1"] = OneGpu("model-a", leased: 2),
            ["a2"] = OneGpu("model-a", leased: 0),
        };

        Assert.Equal("a2", Rules.ChooseFree(
            pool.Keys, s => pool[s], "model-b", m => 0, demandShare: m => 0.5, remaining: m => m == "model-a" ? 40 : 2));
    }

    [Fact]
    public void AServerOfTheCheckpointAheadMovesToTheOneBehindWhenBothThenDrainSooner()
    {
        // Two model-a servers, one with its queued slot free; two full model-b ones. model-b has 12 tasks left for 2
        // GPUs (6 generations), model-a 4 for 2 (2): moved, a's last GPU takes 4 and b's three take 12 plus the load.
        var pool = new Dictionary<string, PoolOccupancy>
        {
            ["a1"] = OneGpu("model-a", leased: 1),
            ["a2"] = OneGpu("model-a", leased: 2),
            ["b1"] = OneGpu("model-b", leased: 2),
            ["b2"] = OneGpu("model-b", leased: 2),
        };
        string? ChooseB(long aLeft, long bLeft) => Rules.ChooseFree(
            pool.Keys, s => pool[s], "model-b", m => m == "model-b" ? 3 : 1, remaining: m => m == "model-a" ? aLeft : bLeft);

        Assert.Equal("a1", ChooseB(aLeft: 4, bLeft: 12));

        // Not when model-a's one GPU left would then take longer than model-b does now (10 for one GPU), nor when the
        // gain is less than a generation, nor without counts.
        Assert.Null(ChooseB(aLeft: 10, bLeft: 12));
        Assert.Null(ChooseB(aLeft: 2, bLeft: 8));
        Assert.Null(Rules.ChooseFree(pool.Keys, s => pool[s], "model-b", m => m == "model-b" ? 3 : 1));
    }

    [Fact]
    public void AServerMovedToBalanceTheBacklogsIsNeverMovedStraightBack()
    {
        PoolOccupancy a = new(1, 2, 1, "model-a"), b = new(1, 2, 1, "model-b");
        PoolOccupancy[] before = [a, a, b, b];
        long Left(string m) => m == "model-a" ? 4 : 12;
        Assert.True(Rules.Rebalances(before, a, "model-b", Left));

        PoolOccupancy[] after = [a, b, b, b];
        Assert.False(Rules.Rebalances(after, b, "model-a", Left));
        Assert.False(Rules.Rebalances([a, b], a, "model-b", Left), "the last GPU of a checkpoint with tasks left stays");
    }
}
