using SdServerless.Lambda.Telemetry;
using SdServerless.UnitTests.Dispatch;

namespace SdServerless.UnitTests.Lambda;

public sealed class PoolGaugesTests
{
    [Fact]
    public void ReadsOfOneRuntimeGiveAtMostOneLinePerSecondAndEachRuntimeItsOwn()
    {
        var metrics = new RecordingMetrics();
        var time = new FakeTimeProvider();
        var gauges = new PoolGauges(metrics, time);

        gauges.Observe("sdruntime", 2, 1);
        gauges.Observe("sdruntime", 2, 2);
        gauges.Observe("xl", 4, 0);
        time.Advance(PoolGauges.Interval);
        gauges.Observe("sdruntime", 3, 2);

        Assert.Equal([("sdruntime", 2, 1), ("xl", 4, 0), ("sdruntime", 3, 2)], metrics.Pool);
    }
}
