using System.Collections.Concurrent;
using SdServerless.Core.Telemetry;

namespace SdServerless.UnitTests.Dispatch;

public sealed class RecordingMetrics : ITaskMetrics
{
    public ConcurrentQueue<(string Runtime, TimeSpan QueueWait, TimeSpan Inference, int Attempts, bool Succeeded)> Completed { get; } = new();

    public ConcurrentQueue<string> WaitingForCapacity { get; } = new();

    public ConcurrentQueue<(string Runtime, int RegisteredGpus, int LeasedSlots)> Pool { get; } = new();

    public void RecordTaskCompleted(string runtime, TimeSpan queueWait, TimeSpan inference, int attempts, bool succeeded) =>
        Completed.Enqueue((runtime, queueWait, inference, attempts, succeeded));

    public void RecordWaitingForCapacity(string runtime) => WaitingForCapacity.Enqueue(runtime);

    public void RecordPool(string runtime, int registeredGpus, int leasedSlots) => Pool.Enqueue((runtime, registeredGpus, leasedSlots));
}
