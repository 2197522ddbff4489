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

    public void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded)
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
            WriteDefinition(writer, QueueWait, "Milliseconds");
            WriteDefinition(writer, InferenceTime, "Milliseconds");
            WriteDefinition(writer, Attempts, "Count");
            WriteDefinition(writer, Failures, "Count");
            WriteDefinition(writer, Completed, "Count");
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteString(RuntimeDimension, runtime);
            writer.WriteNumber(QueueWait, Math.Round(queueWait.TotalMilliseconds, 1));
            writer.WriteNumber(InferenceTime, Math.Round(inference.TotalMilliseconds, 1));
            writer.WriteNumber(Attempts, attempts);
            writer.WriteNumber(Failures, succeeded ? 0 : 1);
            writer.WriteNumber(Completed, 1);
            writer.WriteEndObject();
        });
    }

    private static void WriteDefinition(System.Text.Json.Utf8JsonWriter writer, string name, string unit)
    {
        writer.WriteStartObject();
        writer.WriteString("Name", name);
        writer.WriteString("Unit", unit);
        writer.WriteEndObject();
    }
}
