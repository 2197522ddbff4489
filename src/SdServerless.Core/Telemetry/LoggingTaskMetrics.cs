using Microsoft.Extensions.Logging;

namespace SdServerless.Core.Telemetry;

/// <summary>Task metrics as one log line per task, for hosts without a metrics service (the local host, tests).</summary>
public sealed class LoggingTaskMetrics(ILogger<LoggingTaskMetrics> logger) : ITaskMetrics
{
    public void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded) =>
        logger.LogInformation(
            "Task metrics on {Runtime}: queue wait {QueueWaitMs} ms, inference {InferenceMs} ms, attempts {Attempts}, succeeded {Succeeded}",
            runtime,
            (long)queueWait.TotalMilliseconds,
            (long)inference.TotalMilliseconds,
            attempts,
            succeeded);
}
