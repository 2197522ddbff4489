using System.Text.Json;
using SdServerless.Core.Telemetry;
using SdServerless.Lambda.Logging;

namespace SdServerless.Lambda.Telemetry;

/// <summary>
/// Task metrics as CloudWatch embedded metric format lines: CloudWatch Logs turns each line into metric data points,
/// with no API call and no added latency in the function.
/// </summary>
public sealed class EmfTaskMetrics(JsonLineWriter output, string metricNamespace, TimeProvider timeProvider) : ITaskMetrics
{
    public const string DefaultNamespace = "SdServerless";
    public const string RuntimeDimension = "Runtime";
    public const string QueueWait = "QueueWait";
    public const string InferenceTime = "InferenceTime";
    public const string Attempts = "Attempts";
    public const string Failures = "Failures";
    public const string Completed = "TasksCompleted";
    public const string WaitingForCapacity = "WaitingForCapacity";
    public const string RegisteredGpus = "RegisteredGpus";
    public const string LeasedSlots = "LeasedSlots";

    /// <summary>High resolution (1 s): an alarm on it can start the first GPU within tens of seconds, not minutes.</summary>
    private const int HighResolution = 1;

    public void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded) =>
        Write(
            runtime,
            new Metric(QueueWait, "Milliseconds", Math.Round(queueWait.TotalMilliseconds, 1)),
            new Metric(InferenceTime, "Milliseconds", Math.Round(inference.TotalMilliseconds, 1)),
            new Metric(Attempts, "Count", attempts),
            new Metric(Failures, "Count", succeeded ? 0 : 1),
            new Metric(Completed, "Count", 1));

    public void RecordWaitingForCapacity(string runtime) =>
        Write(runtime, new Metric(WaitingForCapacity, "Count", 1, HighResolution));

    public void RecordPool(string runtime, int registeredGpus, int leasedSlots) =>
        Write(
            runtime,
            new Metric(RegisteredGpus, "Count", registeredGpus, HighResolution),
            new Metric(LeasedSlots, "Count", leasedSlots, HighResolution));

    /// <summary>One line: the directive declaring every metric, the Runtime dimension, and each metric's value.</summary>
    private void Write(string runtime, params Metric[] metrics)
    {
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        output.WriteLine(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("_aws");
            writer.WriteNumber("Timestamp", timestamp);
            writer.WriteStartArray("CloudWatchMetrics");
            writer.WriteStartObject();
            writer.WriteString("Namespace", metricNamespace);
            writer.WriteStartArray("Dimensions");
            writer.WriteStartArray();
            writer.WriteStringValue(RuntimeDimension);
            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                WriteDefinition(writer, metric);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteString(RuntimeDimension, runtime);
            foreach (var metric in metrics)
            {
                writer.WriteNumber(metric.Name, metric.Value);
            }

            writer.WriteEndObject();
        });
    }

    private static void WriteDefinition(Utf8JsonWriter writer, Metric metric)
    {
        writer.WriteStartObject();
        writer.WriteString("Name", metric.Name);
        writer.WriteString("Unit", metric.Unit);
        if (metric.StorageResolution is { } resolution)
        {
            writer.WriteNumber("StorageResolution", resolution);
        }

        writer.WriteEndObject();
    }

    private readonly record struct Metric(string Name, string Unit, double Value, int? StorageResolution = null);
}
