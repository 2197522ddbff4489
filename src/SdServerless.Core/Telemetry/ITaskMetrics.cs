namespace SdServerless.Core.Telemetry;

/// <summary>
/// Figures the dispatcher reports: per finished task, per task put back for lack of capacity, and the pool's size
/// whenever it reads the registry. CloudWatch embedded metrics on Lambda, a log line in the local host.
/// </summary>
public interface ITaskMetrics
{
    /// <param name="runtime">The runtime that served the task; the metrics' dimension.</param>
    /// <param name="queueWait">From acceptance to the start of this (last) attempt.</param>
    /// <param name="inference">Time spent waiting for SD Web UI in the last attempt.</param>
    /// <param name="attempts">Deliveries the task took, 1 when it ran at once.</param>
    /// <param name="succeeded">False when the task ended failed.</param>
    void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded);

    /// <summary>A task went back to the queue because no server could take it: the signal to scale from zero.</summary>
    void RecordWaitingForCapacity(string runtime);

    /// <summary>The runtime's pool as the registry showed it: GPUs of its fresh servers and slots leased on them.</summary>
    void RecordPool(string runtime, int registeredGpus, int leasedSlots);
}
