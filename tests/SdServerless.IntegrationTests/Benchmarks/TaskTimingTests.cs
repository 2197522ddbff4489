using SdServerless.Benchmarks.Harness;

namespace SdServerless.IntegrationTests.Benchmarks;

[Trait("Category", "Integration")]
public sealed class TaskTimingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void QueueWaitEndsWhenTheTasksGpuFinishedItsPreviousJob()
    {
        // Both tasks accepted at T0; GPU 0 runs task 1 from 5 to 205 ms, then task 2 from 208 to 408 ms.
        var first = Outcome(1, completedMs: 215);
        var second = Outcome(2, completedMs: 420);
        var log = new[] { Job(1, 5, 205), Job(2, 208, 408) };

        var timings = TaskTiming.Join([first, second], log);

        var t2 = timings.Single(t => t.Outcome.Spec.Seed == 2);
        Assert.Equal(TimeSpan.FromMilliseconds(205), t2.QueueWait);
        Assert.Equal(TimeSpan.FromMilliseconds(200), t2.GpuTime);
        Assert.Equal(TimeSpan.FromMilliseconds(3), t2.DispatchGap);
        Assert.Equal(TimeSpan.FromMilliseconds(12), t2.OutputTime);
        Assert.Equal(TimeSpan.FromMilliseconds(15), t2.Overhead);

        var t1 = timings.Single(t => t.Outcome.Spec.Seed == 1);
        Assert.Equal(TimeSpan.Zero, t1.QueueWait);
        Assert.Equal(TimeSpan.FromMilliseconds(15), t1.Overhead);
    }

    [Fact]
    public void ATaskWithoutAGpuJobIsReported()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TaskTiming.Join([Outcome(7, 100)], [Job(1, 0, 50)]));

        Assert.Contains("seed 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PercentilesUseTheNearestRank()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToList();

        Assert.Equal(50, Percentiles.Of(values, 50));
        Assert.Equal(95, Percentiles.Of(values, 95));
        Assert.Equal(7, Percentiles.Of([7], 95));
    }

    private static TaskOutcome Outcome(long seed, int completedMs) =>
        new(new TaskSpec($"t{seed}", seed), "succeeded", T0, T0, T0.AddMilliseconds(completedMs), 1, 1);

    private static EmulatorJobRecord Job(long seed, int startMs, int endMs) =>
        new("txt2img", 0, seed, "m", false, 1, T0.AddMilliseconds(startMs), T0.AddMilliseconds(endMs));
}
