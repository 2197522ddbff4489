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

        Assert.True(PoolRules.GivesWay(servers, "model-a", olderWaiting: 1, m => even[m]));
        Assert.False(PoolRules.GivesWay(servers, "model-a", olderWaiting: 0, m => even[m]));
        Assert.False(PoolRules.GivesWay(servers, "model-a", olderWaiting: 1, m => mostlyA[m]));
        Assert.False(PoolRules.GivesWay(servers, "model-a", olderWaiting: 1, demandShare: null));
        Assert.False(PoolRules.GivesWay([Pool["a"], Pool["b"] with { Leased = 2 }], "model-a", olderWaiting: 1, m => even[m]));
    }

    [Fact]
    public void OlderTasksWaitingForHalfOfTheCheckpointsGpusAreEnoughToGiveWay()
    {
        // Three full model-a servers, a model-b one with room: two model-a tasks already waiting cover the three slots
        // that free up in the next generation; a third would only hold a dispatcher back from the model-b tasks.
        PoolOccupancy a = new(Gpus: 1, Slots: 2, Leased: 2, LoadedModel: "model-a"), b = new(Gpus: 1, Slots: 2, Leased: 1, LoadedModel: "model-b");
        PoolOccupancy[] servers = [a, a, a, b];
        var even = new Dictionary<string, double> { ["model-a"] = 0.5, ["model-b"] = 0.5 };

        Assert.True(PoolRules.GivesWay(servers, "model-a", olderWaiting: 2, m => even[m]));
        Assert.False(PoolRules.GivesWay(servers, "model-a", olderWaiting: 1, m => even[m]));
        Assert.True(PoolRules.GivesWay([a, a, a, a, b, b], "model-a", olderWaiting: 2, m => even[m]));
        Assert.False(PoolRules.GivesWay([a, a, a, a, b, b], "model-a", olderWaiting: 1, m => even[m]));
    }

    [Fact]
    public void AServerOfTheCheckpointAheadMovesToTheOneBehindWhenBothThenDrainSooner()
    {
        // Two model-a servers, one with its queued slot free; two full model-b ones. model-b has 12 tasks left for 2
        // GPUs (6 generations), model-a 4 for 2 (2): moved, a's last GPU takes 4 and b's three take 12 plus the load.
        var pool = new Dictionary<string, PoolOccupancy>
        {
            ["a1"] = new(Gpus: 1, Slots: 2, Leased: 1, LoadedModel: "model-a"),
            ["a2"] = new(Gpus: 1, Slots: 2, Leased: 2, LoadedModel: "model-a"),
            ["b1"] = new(Gpus: 1, Slots: 2, Leased: 2, LoadedModel: "model-b"),
            ["b2"] = new(Gpus: 1, Slots: 2, Leased: 2, LoadedModel: "model-b"),
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
