namespace SdServerless.Core.Telemetry;

/// <summary>
/// Per-task figures the dispatcher reports when a task ends: CloudWatch embedded metrics on Lambda,
/// a log line in the local host.
/// </summary>
public interface ITaskMetrics
{
    /// <param name="runtime">The runtime that served the task; the metrics' dimension.</param>
    /// <param name="queueWait">From acceptance to the start of this (last) attempt.</param>
    /// <param name="inference">Time spent waiting for SD Web UI in the last attempt.</param>
    /// <param name="attempts">Deliveries the task took, 1 when it ran at once.</param>
    /// <param name="succeeded">False when the task ended failed.</param>
    void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded);
}
