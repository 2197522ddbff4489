using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Telemetry;
using SdServerless.Lambda.Logging;

namespace SdServerless.Lambda.Telemetry;

/// <summary>
/// Task metrics as CloudWatch embedded metric format lines: CloudWatch Logs turns each line into metric data points,
/// with no API call and no added latency in the function.
/// </summary>
/// <param name="functionLogLevel">
/// The function's application log level (AWS_LAMBDA_LOG_LEVEL). Lambda's log-level filter counts a line without a
/// level as INFO and would drop it under WARN or ERROR; each metric line carries exactly the level the filter lets
/// through, and an RFC 3339 timestamp, which the filter needs as well.
/// </param>
public sealed class EmfTaskMetrics(
    JsonLineWriter output, string metricNamespace, TimeProvider timeProvider, LogLevel functionLogLevel = LogLevel.Information) : ITaskMetrics
{
    public const string DefaultNamespace = "SdServerless";
    public const string RuntimeDimension = "Runtime";
    public const string QueueWait = "QueueWait";
    public const string InferenceTime = "InferenceTime";
    public const string Attempts = "Attempts";
    public const string Failures = "Failures";
    public const string Completed = "TasksCompleted";

    private static readonly Metric[] CompletedMetrics =
    [
        new(QueueWait, "Milliseconds"), new(InferenceTime, "Milliseconds"), new(Attempts, "Count"), new(Failures, "Count"), new(Completed, "Count"),
    ];

    private readonly string _level = LambdaLogging.LevelName(functionLogLevel < LogLevel.Information ? LogLevel.Information : functionLogLevel);

    public void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded) =>
        WriteLine(runtime, CompletedMetrics, writer =>
        {
            writer.WriteNumber(QueueWait, Math.Round(queueWait.TotalMilliseconds, 1));
            writer.WriteNumber(InferenceTime, Math.Round(inference.TotalMilliseconds, 1));
            writer.WriteNumber(Attempts, attempts);
            writer.WriteNumber(Failures, succeeded ? 0 : 1);
            writer.WriteNumber(Completed, 1);
        });

    /// <summary>One EMF document: the metric declarations under _aws, the Runtime dimension, then the values.</summary>
    private void WriteLine(string runtime, IReadOnlyList<Metric> metrics, Action<Utf8JsonWriter> writeValues)
    {
        var timestamp = timeProvider.GetUtcNow();
        output.WriteLine(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", timestamp.UtcDateTime);
            writer.WriteString("level", _level);
            writer.WriteStartObject("_aws");
            writer.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
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
                writer.WriteStartObject();
                writer.WriteString("Name", metric.Name);
                writer.WriteString("Unit", metric.Unit);
                if (metric.StorageResolution is { } resolution)
                {
                    writer.WriteNumber("StorageResolution", resolution);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteString(RuntimeDimension, runtime);
            writeValues(writer);
            writer.WriteEndObject();
        });
    }

    /// <param name="StorageResolution">1 for a high-resolution metric; null: standard (60).</param>
    private readonly record struct Metric(string Name, string Unit, int? StorageResolution = null);
}
