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
    public void ATaskGivesWayOnlyWhenItsCheckpointHasItsShareAndOlderTasksWaitForEachOfItsGpus()
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
}
