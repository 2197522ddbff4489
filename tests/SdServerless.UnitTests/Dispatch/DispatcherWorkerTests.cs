using SdServerless.Local.Workers;

namespace SdServerless.UnitTests.Dispatch;

public sealed class DispatcherWorkerTests
{
    private static DispatcherWorker Worker(DispatcherHarness harness, int gpus = 1, int prefetch = 1) => new(
        harness.Queue,
        harness.Handler,
        new DispatcherWorkerOptions { GpuCapacity = gpus, PrefetchPerGpu = prefetch, ReceiveWait = TimeSpan.FromMilliseconds(100) },
        TimeProvider.System,
        NullLogger<DispatcherWorker>.Instance);

    private static Task WaitForAsync(Func<Task<bool>> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        Eventually.TrueAsync(condition, TimeSpan.FromSeconds(30), what);

    [Fact]
    public void MessagesAreWrappedAsTheSqsEventSourceMappingDeliversThem()
    {
        var sent = new DateTimeOffset(2026, 11, 24, 10, 0, 0, 123, TimeSpan.Zero);

        var record = DispatcherWorker.ToSqsEvent([new QueueMessage("m-1", "rh-1", "{}", 3, sent)]).Records.Single();

        Assert.Equal(("m-1", "rh-1", "{}", "aws:sqs"), (record.MessageId, record.ReceiptHandle, record.Body, record.EventSource));
        Assert.Equal("3", record.Attributes["ApproximateReceiveCount"]);
        Assert.Equal("1795514400123", record.Attributes["SentTimestamp"]);
        Assert.Equal("99914b932bd37a50b983c5e7c90ae93b", record.Md5OfBody);
    }

    [Fact]
    public async Task FinishedMessagesAreDeletedAndFailedOnesStay()
    {
        var harness = new DispatcherHarness();
        await harness.Queue.SendAsync("poison", TimeSpan.Zero, CancellationToken.None);
        await harness.Queue.SendAsync(DispatcherHarness.MessageBody(DispatcherHarness.Task("ok", TaskType.TextToImage, """{"prompt":"x"}""")), TimeSpan.Zero, CancellationToken.None);
        var messages = await harness.Queue.ReceiveAsync(10, TimeSpan.FromMinutes(1), TimeSpan.Zero, CancellationToken.None);

        var response = await Worker(harness).DispatchAsync(messages, CancellationToken.None);

        Assert.Single(response.BatchItemFailures);
        Assert.Equal(["poison"], harness.Queue.Bodies);
    }

    [Fact]
    public async Task TheWorkerDrainsTheQueueThroughTheHandler()
    {
        var harness = new DispatcherHarness();
        var worker = Worker(harness, gpus: 2);
        await worker.StartAsync(CancellationToken.None);
        for (var i = 0; i < 6; i++)
        {
            await harness.Queue.SendAsync(DispatcherHarness.MessageBody(DispatcherHarness.Task($"w{i}", TaskType.TextToImage, """{"prompt":"x"}""")), TimeSpan.Zero, CancellationToken.None);
        }

        await WaitForAsync(async () => await harness.Queue.GetApproximateDepthAsync(CancellationToken.None) == 0);
        await worker.StopAsync(CancellationToken.None);

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("succeeded", (string?)(await harness.ResultAsync($"w{i}"))!["status"]);
        }
    }

    [Fact]
    public async Task WhileTheGpuWorksTheNextTaskIsReceivedAndItsInputFetchedButItIsNotYetRunning()
    {
        var harness = new DispatcherHarness();
        harness.Settings.FreeSlotWait = Timeout.InfiniteTimeSpan;
        var gpu = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.SdWebUi.BeforeGeneration = () => gpu.Task;
        for (var i = 1; i <= 2; i++)
        {
            harness.Inputs.Files[$"https://images.example.com/{i}.png"] = FakeSdWebUi.Png(i);
            var task = DispatcherHarness.Task($"p{i}", TaskType.ImageToImage, """{"prompt":"x"}""", imageLink: $"https://images.example.com/{i}.png");
            await harness.Queue.SendAsync(DispatcherHarness.MessageBody(task), TimeSpan.Zero, CancellationToken.None);
        }

        var worker = Worker(harness, gpus: 1, prefetch: 1);
        await worker.StartAsync(CancellationToken.None);
        await WaitForAsync(() => Task.FromResult(harness.Inputs.Downloaded.Count == 2 && harness.SdWebUi.Generations.Any()));

        Assert.Single(harness.SdWebUi.Generations);
        var running = await harness.StateAsync(harness.SdWebUi.Generations.Single()["init_images"]![0]!.ToString() == Convert.ToBase64String(FakeSdWebUi.Png(1)) ? "p1" : "p2");
        Assert.Equal("running", (string?)running!["status"]);
        Assert.Equal(1, (await Task.WhenAll(harness.StateAsync("p1"), harness.StateAsync("p2"))).Count(s => s is not null));
        gpu.SetResult();
        await WaitForAsync(async () => await harness.Queue.GetApproximateDepthAsync(CancellationToken.None) == 0);
        await worker.StopAsync(CancellationToken.None);
        Assert.Equal(2, harness.SdWebUi.Generations.Count());
    }
}
