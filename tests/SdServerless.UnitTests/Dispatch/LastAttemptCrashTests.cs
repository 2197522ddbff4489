using SdServerless.Local.Hosting;
using SdServerless.Local.Queueing;

namespace SdServerless.UnitTests.Dispatch;

/// <summary>Runs that crash (no answer, no delete) on every attempt, the last included: the task still ends, failed, with result.json.</summary>
public sealed class LastAttemptCrashTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sdserverless-lastcrash-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AMessageWhoseAttemptsWereAllSpentByCrashesFailsTheTaskWithoutRunningIt()
    {
        var harness = new DispatcherHarness(maxAttempts: 3);
        var task = DispatcherHarness.Task("crashy", TaskType.TextToImage, """{"prompt":"a cat"}""");
        await harness.Queue.SendAsync(DispatcherHarness.MessageBody(task), TimeSpan.Zero, CancellationToken.None);
        for (var crashed = 0; crashed < 3; crashed++)
        {
            Assert.Single(await harness.ReceiveAsync());
            harness.Clock.Advance(TimeSpan.FromMinutes(6));
        }

        var fourth = Assert.Single(await harness.ReceiveAsync());
        var response = await harness.DispatchAsync(fourth);

        Assert.Empty(response.BatchItemFailures);
        Assert.Empty(harness.SdWebUi.Generations);
        var result = (await harness.ResultAsync("crashy"))!;
        Assert.Equal("failed", (string?)result["status"]);
        Assert.Equal("attempts_exhausted", (string?)result["error"]!["type"]);
        Assert.Equal(4, (int)result["attempts"]!);
    }

    [Fact]
    public async Task TheLocalTaskQueueDeliversOnceMoreAfterTheLastAttemptInsteadOfDeadLetteringIt()
    {
        const int MaxAttempts = 5;
        await using var queue = FileTaskQueue.Open(_directory, LocalPipeline.TaskQueueOptions(MaxAttempts));
        await queue.SendAsync("task", TimeSpan.Zero, default);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var received = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.Zero, TimeSpan.Zero, default));
            Assert.Equal(attempt, received.ReceiveCount);
        }

        var afterTheLast = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.Zero, TimeSpan.FromSeconds(5), default));
        Assert.Equal(MaxAttempts + 1, afterTheLast.ReceiveCount);
        Assert.Equal(0, await queue.DeadLetter!.GetApproximateDepthAsync(default));
    }
}
