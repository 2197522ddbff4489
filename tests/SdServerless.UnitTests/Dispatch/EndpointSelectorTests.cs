using SdServerless.Functions.Dispatch;

namespace SdServerless.UnitTests.Dispatch;

public sealed class EndpointSelectorTests
{
    private const string ModelA = "a.safetensors";
    private const string ModelB = "b.safetensors";
    private static readonly string[] Pool = ["http://gpu-1", "http://gpu-2", "http://gpu-3"];

    private static async Task<EndpointSelector> SelectorWithModelsAsync(params string?[] loaded)
    {
        var selector = new EndpointSelector(new DispatcherSettings());
        for (var i = 0; i < loaded.Length; i++)
        {
            if (loaded[i] is { } model)
            {
                using var lease = await selector.AcquireAsync([Pool[i]], model, waitForFree: false, CancellationToken.None);
            }
        }

        return selector;
    }

    [Fact]
    public async Task AFreeServerWithTheModelLoadedIsPreferred()
    {
        var selector = await SelectorWithModelsAsync(ModelA, ModelB, ModelA);

        using var first = await selector.AcquireAsync(Pool, ModelB, false, CancellationToken.None);

        Assert.Equal("http://gpu-2", first.Endpoint);
    }

    [Fact]
    public async Task EveryModelSpellingCountsAsTheLoadedModel()
    {
        var selector = await SelectorWithModelsAsync(ModelA, "b.safetensors [0123456789]");

        using var lease = await selector.AcquireAsync(Pool[..2], "b", false, CancellationToken.None);

        Assert.Equal("http://gpu-2", lease.Endpoint);
    }

    [Fact]
    public async Task WhenTheServerWithTheModelIsBusyAnotherFreeOneIsTaken()
    {
        var selector = await SelectorWithModelsAsync(ModelA, ModelB);
        using var busy = await selector.AcquireAsync(Pool[..2], ModelB, false, CancellationToken.None);

        using var lease = await selector.AcquireAsync(Pool[..2], ModelB, false, CancellationToken.None);

        Assert.Equal("http://gpu-1", lease.Endpoint);
        Assert.Equal(ModelB, selector.LoadedModel("http://gpu-1"));
    }

    [Fact]
    public async Task WithNoFreeServerTheLeastLoadedIsChosen()
    {
        var selector = new EndpointSelector(new DispatcherSettings { EndpointCapacities = new Dictionary<string, int> { ["http://gpu-2"] = 4 } });
        var leases = new List<EndpointLease>();
        for (var i = 0; i < 5; i++)
        {
            leases.Add(await selector.AcquireAsync(Pool[..2], null, false, CancellationToken.None));
        }

        Assert.Equal(1, selector.InFlight("http://gpu-1"));
        Assert.Equal(4, selector.InFlight("http://gpu-2"));

        // Both full: load is in-flight ÷ capacity, so one more on gpu-1 outweighs one more on gpu-2.
        leases.Add(await selector.AcquireAsync(Pool[..2], null, false, CancellationToken.None));
        leases.Add(await selector.AcquireAsync(Pool[..2], null, false, CancellationToken.None));
        leases.Add(await selector.AcquireAsync(Pool[..2], null, false, CancellationToken.None));
        Assert.Equal(2, selector.InFlight("http://gpu-1"));
        Assert.Equal(6, selector.InFlight("http://gpu-2"));

        leases.ForEach(l => l.Dispose());
        Assert.Equal(0, selector.InFlight("http://gpu-1"));
        Assert.Equal(0, selector.InFlight("http://gpu-2"));
    }

    [Fact]
    public async Task AWaitingTaskGetsTheFirstServerToFreeUp()
    {
        var selector = new EndpointSelector(new DispatcherSettings());
        var busy = await selector.AcquireAsync(Pool[..1], null, true, CancellationToken.None);

        var waiting = selector.AcquireAsync(Pool[..1], null, true, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        busy.Dispose();
        using var lease = await waiting;
        Assert.Equal("http://gpu-1", lease.Endpoint);
        Assert.Equal(1, selector.InFlight("http://gpu-1"));
    }

    [Fact]
    public async Task AFreedServerGoesToAWaiterThatWantsItsModel()
    {
        var selector = new EndpointSelector(new DispatcherSettings());
        var busy = await selector.AcquireAsync(Pool[..1], ModelA, true, CancellationToken.None);
        var wantsB = selector.AcquireAsync(Pool[..1], ModelB, true, CancellationToken.None);
        var wantsA = selector.AcquireAsync(Pool[..1], ModelA, true, CancellationToken.None);

        busy.Dispose();

        using var lease = await wantsA;
        Assert.False(wantsB.IsCompleted);
        lease.Dispose();
        using var next = await wantsB;
        Assert.Equal(ModelB, selector.LoadedModel("http://gpu-1"));
    }

    [Fact]
    public async Task AWaiterPassedOverTooOftenIsServedAnyway()
    {
        var selector = new EndpointSelector(new DispatcherSettings());
        var lease = await selector.AcquireAsync(Pool[..1], ModelA, true, CancellationToken.None);
        var wantsB = selector.AcquireAsync(Pool[..1], ModelB, true, CancellationToken.None);
        // Passed over at most MaxSkips times: served by the next release after that.
        for (var i = 0; i <= EndpointSelector.MaxSkips && !wantsB.IsCompleted; i++)
        {
            var wantsA = selector.AcquireAsync(Pool[..1], ModelA, true, CancellationToken.None);
            lease.Dispose();
            lease = wantsB.IsCompleted ? await wantsB : await wantsA;
            if (wantsB.IsCompleted)
            {
                lease.Dispose();
                lease = await wantsA;
            }
        }

        Assert.True(wantsB.IsCompleted);
        lease.Dispose();
    }

    [Fact]
    public async Task ACancelledWaiterLeavesTheQueue()
    {
        var selector = new EndpointSelector(new DispatcherSettings());
        var busy = await selector.AcquireAsync(Pool[..1], null, true, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = selector.AcquireAsync(Pool[..1], null, true, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        busy.Dispose();

        Assert.Equal(0, selector.InFlight("http://gpu-1"));
    }
}
