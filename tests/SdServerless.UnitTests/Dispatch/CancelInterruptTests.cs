namespace SdServerless.UnitTests.Dispatch;

/// <summary>
/// A client's cancel while the task's request runs: SD Web UI forgets an interrupt that reaches it before it has begun
/// the job, so the watch asks again each round until the generation answers.
/// </summary>
public sealed class CancelInterruptTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnInterruptTheServerForgotIsSentAgainAndTheTaskEndsCancelled()
    {
        var harness = new DispatcherHarness();
        harness.Settings.WatchInterval = TimeSpan.FromMilliseconds(50);
        var generating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.SdWebUi.HoldGeneration = async ct =>
        {
            generating.TrySetResult();

            // The first interrupt arrived before the job began and was lost; the second one ends it.
            while (harness.SdWebUi.Interrupts < 2)
            {
                await System.Threading.Tasks.Task.Delay(10, ct);
            }
        };
        var record = await harness.EnqueueAndReceiveAsync(DispatcherHarness.Task("cancelled", TaskType.TextToImage, """{"prompt":"a cat"}"""));

        var dispatching = harness.DispatchAsync(record);
        await generating.Task.WaitAsync(Bound);
        await harness.Store.TryCreateAsync(TaskKeys.Cancel("cancelled"), "{}"u8.ToArray(), "application/json", CancellationToken.None);

        // The watch's rounds run on the harness's clock: each step of one interval is one more round.
        var stepping = System.Diagnostics.Stopwatch.StartNew();
        while (!dispatching.IsCompleted && stepping.Elapsed < Bound)
        {
            harness.Clock.Advance(harness.Settings.WatchInterval);
            await System.Threading.Tasks.Task.Delay(10);
        }

        await dispatching.WaitAsync(TimeSpan.Zero);

        Assert.Equal("cancelled", (string?)(await harness.ResultAsync("cancelled"))!["status"]);
        Assert.True(harness.SdWebUi.Interrupts >= 2);
    }
}
