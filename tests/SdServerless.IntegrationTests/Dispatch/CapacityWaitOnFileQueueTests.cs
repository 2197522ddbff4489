using SdServerless.Core.Runtimes;
using SdServerless.Core.Telemetry;
using SdServerless.Functions.Composition;
using SdServerless.Functions.Pool;
using SdServerless.Local.Queueing;
using SdServerless.Local.Storage;
using SdServerless.Local.Workers;

namespace SdServerless.IntegrationTests.Dispatch;

/// <summary>The local host's durable queue dead-letters after a few receives: waiting for capacity must never count as one.</summary>
[Trait("Category", "Integration")]
public sealed class CapacityWaitOnFileQueueTests
{
    [Fact]
    public async Task ATaskWaitingForCapacityLongerThanTheReceiveLimitStillRunsOnceAServerComes()
    {
        var directory = Directory.CreateTempSubdirectory("capacity-").FullName;
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { ModelSwitchDelay = TimeSpan.Zero });
        await using var queue = FileTaskQueue.Open(Path.Combine(directory, "queue"), new FileTaskQueueOptions { MaxReceiveCount = 2, FlushToDisk = false });
        var store = new DirectoryObjectStore(Path.Combine(directory, "s3"), "outputbucket");
        var options = new SdServerlessOptions { Runtimes = [new RuntimeConfig { Name = "sdruntime", Models = [EmulatorOptions.DefaultModel] }] };

        // No server yet (a pool at zero); the task is put back at once each time, so that it waits many times quickly.
        var registry = new InProcessPoolRegistry([], new PoolRules());
        var settings = new DispatcherOptions { FreeSlotWait = TimeSpan.Zero, CapacityBackoffBase = TimeSpan.Zero, CapacityBackoffCap = TimeSpan.Zero };
        var metrics = new CountingMetrics();
        var handler = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton<IObjectStore>(store)
            .AddSingleton(TaskQueues.Single(queue))
            .AddSingleton(options)
            .AddSingleton(settings)
            .AddSingleton<ITaskMetrics>(metrics)
            .AddSingleton<IPoolRegistry>(registry)
            .AddSdServerlessDispatcher()
            .BuildServiceProvider()
            .GetRequiredService<DispatcherHandler>();
        var worker = new DispatcherWorker(queue, handler, new DispatcherWorkerOptions { ReceiveWait = TimeSpan.FromMilliseconds(100) }, TimeProvider.System, NullLogger<DispatcherWorker>.Instance);
        var task = DispatchTestbed.Task("patient", TaskType.TextToImage, """{"prompt":"p","steps":1,"width":64,"height":64}""");
        await queue.SendAsync(DispatchTestbed.MessageBody(task), TimeSpan.Zero, CancellationToken.None);

        await worker.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(() => metrics.WaitingForCapacity >= 5, "the task did not wait for capacity five times");
            await registry.RegisterAsync(new PoolServer { Runtime = "sdruntime", Url = emulator.BaseUrl.ToString().TrimEnd('/') }, CancellationToken.None);
            await WaitForAsync(() => store.GetAsync(TaskKeys.Result("output", "patient"), CancellationToken.None).Result is not null, "the task never finished");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var result = JsonNode.Parse((await store.GetAsync(TaskKeys.Result("output", "patient"), CancellationToken.None))!.Content.Span)!;
        Assert.Equal(("succeeded", 1), ((string?)result["status"], (int)result["attempts"]!));
        Assert.Equal(0, await queue.DeadLetter!.GetApproximateDepthAsync(CancellationToken.None));
        Assert.Equal(0, await queue.GetApproximateDepthAsync(CancellationToken.None));
    }

    private static Task WaitForAsync(Func<bool> condition, string failure) =>
        Eventually.TrueAsync(condition, TimeSpan.FromSeconds(60), "the condition", () => failure);

    private sealed class CountingMetrics : Core.Telemetry.ITaskMetrics
    {
        private int _waits;

        public int WaitingForCapacity => Volatile.Read(ref _waits);

        public void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded)
        {
        }

        public void RecordWaitingForCapacity(string runtime) => Interlocked.Increment(ref _waits);

        public void RecordPool(string runtime, int registeredGpus, int leasedSlots)
        {
        }
    }
}
