using SdServerless.Emulator;
using SdServerless.Emulator.Gpus;

namespace SdServerless.UnitTests.Emulator;

public class GpuPoolTests
{
    private static readonly EmulatorModel ModelA = EmulatorModel.FromName("a.safetensors");
    private static readonly EmulatorModel ModelB = EmulatorModel.FromName("b.safetensors");

    [Fact]
    public async Task WaitingRequestsGetTheGpuInArrivalOrder()
    {
        var pool = new GpuPool([Gpu(0, ModelA)], preferLoadedModel: true);
        var holder = await pool.AcquireAsync(null, CancellationToken.None);
        // Alternating models: a pool that favoured loaded models over arrival order would serve the A requests first.
        var waiting = Enumerable.Range(0, 6)
            .Select(n => pool.AcquireAsync(n % 2 == 0 ? ModelB : ModelA, CancellationToken.None))
            .ToList();
        Assert.Equal(6, pool.QueueLength);

        pool.Release(holder);
        for (var i = 0; i < waiting.Count; i++)
        {
            var gpu = await waiting[i].WaitAsync(TimeSpan.FromSeconds(10));
            Assert.All(waiting.Skip(i + 1), later => Assert.False(later.IsCompleted));
            pool.Release(gpu);
        }

        Assert.Equal(0, pool.BusyCount);
    }

    [Fact]
    public async Task AReleasedGpuIsHandedToTheOldestWaiterBeforeReleaseReturns()
    {
        // As on a real GPU, the next job starts at once, not when a pool thread is next free.
        var pool = new GpuPool([Gpu(0, ModelA)], preferLoadedModel: true);
        var holder = await pool.AcquireAsync(null, CancellationToken.None);
        var startedOn = -1;

        // Queued on a pool thread (no synchronization context to resume on), and the call has returned, so its await is
        // in place before the release: waiting for the queue to show the waiter raced with the waiter reaching its
        // await, and a release in between resumed it on its own thread, later.
        var acquiring = await Task.Factory.StartNew(
            () => pool.AcquireAsync(null, CancellationToken.None), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default);
        Assert.Equal(1, pool.QueueLength);
        var waiter = acquiring.ContinueWith(
            _ => startedOn = Environment.CurrentManagedThreadId, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var releasedOn = await Task.Run(() =>
        {
            pool.Release(holder);
            return (Thread: Environment.CurrentManagedThreadId, WaiterStarted: Volatile.Read(ref startedOn) != -1);
        });

        Assert.True(releasedOn.WaiterStarted, "the waiter had not started when Release returned");
        Assert.Equal(releasedOn.Thread, startedOn);
        await waiter;
        Assert.Equal(1, pool.BusyCount);
    }

    [Fact]
    public async Task AFreeGpuWithTheWantedModelLoadedIsPreferred()
    {
        var pool = new GpuPool([Gpu(0, ModelA), Gpu(1, ModelB)], preferLoadedModel: true);

        var gpu = await pool.AcquireAsync(ModelB, CancellationToken.None);

        Assert.Equal(1, gpu.Index);
    }

    [Fact]
    public async Task WithoutPreferenceTheFirstFreeGpuIsTaken()
    {
        var pool = new GpuPool([Gpu(0, ModelA), Gpu(1, ModelB)], preferLoadedModel: false);

        var gpu = await pool.AcquireAsync(ModelB, CancellationToken.None);

        Assert.Equal(0, gpu.Index);
    }

    [Fact]
    public async Task ACancelledWaiterLeavesTheQueue()
    {
        var pool = new GpuPool([Gpu(0, ModelA)], preferLoadedModel: true);
        var holder = await pool.AcquireAsync(null, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var abandoned = pool.AcquireAsync(null, cancel.Token);
        var next = pool.AcquireAsync(null, CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        pool.Release(holder);

        Assert.Same(holder, await next);
        Assert.Equal(0, pool.QueueLength);
    }

    [Fact]
    public async Task BusyCountNeverExceedsTheGpuCount()
    {
        var pool = new GpuPool([Gpu(0, ModelA), Gpu(1, ModelA)], preferLoadedModel: true);
        var first = await pool.AcquireAsync(null, CancellationToken.None);
        var second = await pool.AcquireAsync(null, CancellationToken.None);
        var third = pool.AcquireAsync(null, CancellationToken.None);

        Assert.False(third.IsCompleted);
        Assert.Equal(2, pool.BusyCount);
        pool.Release(second);
        Assert.Same(second, await third);
        pool.Release(first);
        pool.Release(second);

        Assert.Equal(2, pool.PeakBusy);
        Assert.Equal(0, pool.BusyCount);
    }

    private static EmulatedGpu Gpu(int index, EmulatorModel model) => new(index, model);
}
