using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Telemetry;
using SdServerless.Lambda.Logging;

namespace SdServerless.Lambda.Telemetry;

/// <summary>
/// Task metrics as CloudWatch embedded metric format lines: CloudWatch Logs turns each line into metric data points,
/// with no API call and no added latency in the function.
/// </summary>
/// <param name="output">The function's stdout, shared with its log lines.</param>
/// <param name="metricNamespace">The CloudWatch namespace of the metrics (<see cref="DefaultNamespace"/> unless configured).</param>
/// <param name="timeProvider">The lines' timestamps.</param>
/// <param name="functionLogLevel">
/// The function's application log level (AWS_LAMBDA_LOG_LEVEL). Lambda's log-level filter counts a line without a
/// level as INFO and would drop it under WARN or ERROR; each metric line carries exactly the level the filter lets
/// through, and an RFC 3339 timestamp, which the filter needs as well.
/// </param>
public sealed class EmfTaskMetrics(
    JsonLineWriter output, string metricNamespace, TimeProvider timeProvider, LogLevel functionLogLevel = LogLevel.Information) : ITaskMetrics
{
    /// <summary>The namespace of a function configured with none (template.yaml gives each stack SdServerless/STACK).</summary>
    public const string DefaultNamespace = "SdServerless";

    /// <summary>The one dimension of every metric: the runtime's name, so that each pool scales on its own.</summary>
    public const string RuntimeDimension = "Runtime";

    /// <summary>Milliseconds from acceptance to the start of the task's last attempt.</summary>
    public const string QueueWait = "QueueWait";

    /// <summary>Milliseconds the last attempt spent waiting for SD Web UI.</summary>
    public const string InferenceTime = "InferenceTime";

    /// <summary>Dispatch attempts a finished task took.</summary>
    public const string Attempts = "Attempts";

    /// <summary>1 for a task that finished failed, 0 otherwise: its sum counts failures, its average is the failure rate.</summary>
    public const string Failures = "Failures";

    /// <summary>1 per finished task, whatever its outcome.</summary>
    public const string Completed = "TasksCompleted";

    /// <summary>1 each time a task went back to the queue for want of a server: the signal that starts a GPU.</summary>
    public const string WaitingForCapacity = "WaitingForCapacity";

    /// <summary>GPUs of the runtime's registered servers: the pool's size.</summary>
    public const string RegisteredGpus = "RegisteredGpus";

    /// <summary>Slots leased to tasks: the pool's use, against <see cref="RegisteredGpus"/>.</summary>
    public const string LeasedSlots = "LeasedSlots";

    /// <summary>High resolution (1 s): an alarm on it can start the first GPU within tens of seconds, not minutes.</summary>
    private const int HighResolution = 1;

    private readonly string _level = LambdaLogging.LevelName(functionLogLevel < LogLevel.Information ? LogLevel.Information : functionLogLevel);

    /// <inheritdoc/>
    public void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded) =>
        Write(
            runtime,
            new Metric(QueueWait, "Milliseconds", Math.Round(queueWait.TotalMilliseconds, 1)),
            new Metric(InferenceTime, "Milliseconds", Math.Round(inference.TotalMilliseconds, 1)),
            new Metric(Attempts, "Count", attempts),
            new Metric(Failures, "Count", succeeded ? 0 : 1),
            new Metric(Completed, "Count", 1));

    /// <inheritdoc/>
    public void RecordWaitingForCapacity(string runtime) =>
        Write(runtime, new Metric(WaitingForCapacity, "Count", 1, HighResolution));

    /// <inheritdoc/>
    public void RecordPool(string runtime, int registeredGpus, int leasedSlots) =>
        Write(
            runtime,
            new Metric(RegisteredGpus, "Count", registeredGpus, HighResolution),
            new Metric(LeasedSlots, "Count", leasedSlots, HighResolution));

    /// <summary>One line: the directive declaring every metric, the Runtime dimension, and each metric's value.</summary>
    private void Write(string runtime, params Metric[] metrics)
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

    /// <param name="Name">The metric's name, also the property carrying its value.</param>
    /// <param name="Unit">CloudWatch's unit: Milliseconds or Count.</param>
    /// <param name="Value">This line's data point.</param>
    /// <param name="StorageResolution">1 for a high-resolution metric; null: standard (60).</param>
    private readonly record struct Metric(string Name, string Unit, double Value, int? StorageResolution = null);
}
