using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SdServerless.Functions.Composition;
using SdServerless.Local.Workers;
using SdServerless.UnitTests.Dispatch;

namespace SdServerless.UnitTests.Reliability;

/// <summary>The object store failing for a while: the API answers 503 without accepting, the dispatcher retries, nothing is lost.</summary>
public sealed class StorageOutageTests
{
    [Theory]
    [InlineData(0, 3)]
    [InlineData(3, 2)]
    [InlineData(2, 4)]
    public async Task StorageWritesFailingForAWhileAreRetriedAndTheTaskFinishesOnceWithAllItsImages(int writesBeforeOutage, int failingWrites)
    {
        var clock = new FakeTimeProvider(DispatcherHarness.Start);
        var memory = new InMemoryObjectStore();
        var store = new FlakyObjectStore(memory) { WritesBeforeOutage = writesBeforeOutage, FailingWrites = failingWrites };
        var queue = new InMemoryTaskQueue(clock);
        var options = new SdServerlessOptions
        {
            MaxAttempts = 10,
            Runtimes = [new RuntimeConfig { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint], Models = [FakeSdWebUi.Model] }],
        };
        var handler = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<IObjectStore>(store)
            .AddSingleton(TaskQueues.Single(queue))
            .AddSingleton(options)
            .AddSingleton<IInputDownloader>(new FakeInputDownloader())
            .AddSingleton(new SdWebUiClient(new FakeSdWebUi()))
            .AddSdServerlessDispatcher()
            .BuildServiceProvider()
            .GetRequiredService<DispatcherHandler>();
        var task = DispatcherHarness.Task("t", TaskType.TextToImage, """{"prompt":"p","batch_size":2}""");
        await queue.SendAsync(DispatcherHarness.MessageBody(task), TimeSpan.Zero, CancellationToken.None);

        var invocations = 0;
        while (await memory.GetAsync("output/t/result.json", CancellationToken.None) is null && invocations < 20)
        {
            foreach (var message in await queue.ReceiveAsync(10, TimeSpan.FromMinutes(5), TimeSpan.Zero, CancellationToken.None))
            {
                invocations++;
                var response = await handler.HandleAsync(DispatcherWorker.ToSqsEvent([message]), CancellationToken.None);
                if (response.BatchItemFailures.Count == 0)
                {
                    await queue.DeleteAsync(message.ReceiptHandle, CancellationToken.None);
                }
            }

            clock.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(failingWrites, store.Injected);
        var result = System.Text.Json.Nodes.JsonNode.Parse((await memory.GetAsync("output/t/result.json", CancellationToken.None))!.Content.Span)!;
        Assert.Equal("succeeded", result["status"]!.GetValue<string>());
        Assert.True(result["attempts"]!.GetValue<int>() > 1, "the outage should have cost at least one attempt");
        Assert.Equal(["output/t/result.json", "output/t/t-1.png", "output/t/t-2.png"], memory.Keys.Where(k => k.StartsWith("output/", StringComparison.Ordinal)));
        Assert.Equal(0, await queue.GetApproximateDepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ASubmissionDuringAStorageOutageGets503AndTheSameRequestIsAcceptedOnceTheStoreIsBack()
    {
        var harness = new HostileApiHarness();
        var body = BodyFuzzer.V2.Replace("\"ID\"", "\"outage\"", StringComparison.Ordinal);
        harness.Store.Unavailable = true;

        var during = await harness.PostAsync("/v1alpha2", body);
        harness.Store.Unavailable = false;
        var after = await harness.PostAsync("/v1alpha2", body);

        Assert.Equal(503, during.StatusCode);
        Assert.Equal("1", during.Headers!["Retry-After"]);
        Assert.Equal(200, after.StatusCode);
        Assert.Single(harness.Queue.Bodies);
    }
}
