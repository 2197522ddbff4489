using Microsoft.Extensions.Logging;
using SdServerless.Lambda.Logging;
using SdServerless.Lambda.Telemetry;

namespace SdServerless.UnitTests.Lambda;

public class EmfTaskMetricsTests
{
    private readonly MemoryStream _output = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_795_523_400_000));

    [Fact]
    public void CompletedTaskIsOneEmbeddedMetricLineWhoseMetricsAreAllPresent()
    {
        var metrics = new EmfTaskMetrics(new JsonLineWriter(_output), "SdServerless/test", _time);

        metrics.RecordTaskCompleted("sdruntime", TimeSpan.FromMilliseconds(1234.5), TimeSpan.FromSeconds(7), 2, succeeded: true);

        var line = SingleLine();
        var aws = line.GetProperty("_aws");
        Assert.Equal(1_795_523_400_000, aws.GetProperty("Timestamp").GetInt64());
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("SdServerless/test", directive.GetProperty("Namespace").GetString());
        var dimensionSet = Assert.Single(directive.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal(["Runtime"], dimensionSet.EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("sdruntime", line.GetProperty("Runtime").GetString());

        // EMF drops a metric whose value is missing from the line: every declared name must be a number there.
        var declared = directive.GetProperty("Metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("Name").GetString()!, m => m.GetProperty("Unit").GetString());
        Assert.Equal(["QueueWait", "InferenceTime", "Attempts", "Failures", "TasksCompleted"], declared.Keys);
        Assert.All(declared.Keys, name => Assert.Equal(JsonValueKind.Number, line.GetProperty(name).ValueKind));
        Assert.Equal("Milliseconds", declared["QueueWait"]);
        Assert.Equal(1234.5, line.GetProperty("QueueWait").GetDouble());
        Assert.Equal(7000, line.GetProperty("InferenceTime").GetDouble());
        Assert.Equal(2, line.GetProperty("Attempts").GetInt32());
        Assert.Equal(0, line.GetProperty("Failures").GetInt32());
    }

    [Fact]
    public void FailedTaskCountsOneFailure()
    {
        var metrics = new EmfTaskMetrics(new JsonLineWriter(_output), EmfTaskMetrics.DefaultNamespace, _time);

        metrics.RecordTaskCompleted("sdruntime", TimeSpan.Zero, TimeSpan.Zero, 5, succeeded: false);

        Assert.Equal(1, SingleLine().GetProperty("Failures").GetInt32());
    }

    [Fact]
    public void ATaskPutBackForCapacityIsOneHighResolutionCount()
    {
        var metrics = new EmfTaskMetrics(new JsonLineWriter(_output), EmfTaskMetrics.DefaultNamespace, _time);

        metrics.RecordWaitingForCapacity("sdxl");

        var line = SingleLine();
        var definition = Assert.Single(Assert.Single(line.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray()).GetProperty("Metrics").EnumerateArray());
        Assert.Equal(("WaitingForCapacity", "Count", 1), (definition.GetProperty("Name").GetString(), definition.GetProperty("Unit").GetString(), definition.GetProperty("StorageResolution").GetInt32()));
        Assert.Equal(1, line.GetProperty("WaitingForCapacity").GetInt32());
        Assert.Equal("sdxl", line.GetProperty("Runtime").GetString());
    }

    [Fact]
    public void ThePoolIsTwoGaugesOnOneLine()
    {
        var metrics = new EmfTaskMetrics(new JsonLineWriter(_output), EmfTaskMetrics.DefaultNamespace, _time);

        metrics.RecordPool("sdruntime", registeredGpus: 3, leasedSlots: 2);

        var line = SingleLine();
        var declared = Assert.Single(line.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray()).GetProperty("Metrics").EnumerateArray()
            .Select(m => m.GetProperty("Name").GetString()).ToList();
        Assert.Equal(["RegisteredGpus", "LeasedSlots"], declared);
        Assert.Equal((3, 2), (line.GetProperty("RegisteredGpus").GetInt32(), line.GetProperty("LeasedSlots").GetInt32()));
    }

    [Fact]
    public void AMetricLineHasATimestampAndTheInfoLevelByDefault()
    {
        var metrics = new EmfTaskMetrics(new JsonLineWriter(_output), EmfTaskMetrics.DefaultNamespace, _time);

        metrics.RecordTaskCompleted("sdruntime", TimeSpan.Zero, TimeSpan.Zero, 1, succeeded: true);

        var line = SingleLine();
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal(_time.GetUtcNow(), line.GetProperty("timestamp").GetDateTimeOffset());
    }

    [Theory]
    [InlineData(LogLevel.Trace, "INFO")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Warning, "WARN")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "FATAL")]
    public void AMetricLinePassesTheFunctionsLogLevelFilter(LogLevel functionLevel, string expected)
    {
        var metrics = new EmfTaskMetrics(new JsonLineWriter(_output), EmfTaskMetrics.DefaultNamespace, _time, functionLevel);

        metrics.RecordTaskCompleted("sdruntime", TimeSpan.Zero, TimeSpan.Zero, 1, succeeded: true);

        var level = LambdaLogging.ParseLevel(SingleLine().GetProperty("level").GetString());
        Assert.Equal(expected, SingleLine().GetProperty("level").GetString());
        Assert.True(level >= functionLevel, $"a {functionLevel} filter drops a {level} line");
    }

    private JsonElement SingleLine()
    {
        var lines = Encoding.UTF8.GetString(_output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return JsonDocument.Parse(Assert.Single(lines)).RootElement;
    }
}
