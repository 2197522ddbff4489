using Microsoft.Extensions.Logging;

namespace SdServerless.Core.Telemetry;

/// <summary>Task metrics as log lines, for hosts without a metrics service (the local host, tests).</summary>
public sealed partial class LoggingTaskMetrics(ILogger<LoggingTaskMetrics> logger) : ITaskMetrics
{
    /// <inheritdoc/>
    public void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded) =>
        logger.LogInformation(
            "Task metrics on {Runtime}: queue wait {QueueWaitMs} ms, inference {InferenceMs} ms, attempts {Attempts}, succeeded {Succeeded}",
            runtime,
            (long)queueWait.TotalMilliseconds,
            (long)inference.TotalMilliseconds,
            attempts,
            succeeded);

    /// <inheritdoc/>
    public void RecordWaitingForCapacity(string runtime) => LogWaitingForCapacity(runtime);

    /// <inheritdoc/>
    public void RecordPool(string runtime, int registeredGpus, int leasedSlots) => LogPool(runtime, registeredGpus, leasedSlots);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool metrics on {Runtime}: a task waits for capacity")]
    private partial void LogWaitingForCapacity(string runtime);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pool metrics on {Runtime}: {RegisteredGpus} registered GPUs, {LeasedSlots} leased slots")]
    private partial void LogPool(string runtime, int registeredGpus, int leasedSlots);
}
