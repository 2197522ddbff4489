using SdServerless.Core.Runtimes;
using SdServerless.Functions.Dispatch;

namespace SdServerless.Local.Workers;

public sealed class DispatcherWorkerOptions
{
    /// <summary>Requests the whole pool serves at once (emulated GPUs, or one per SD Web UI server).</summary>
    public int GpuCapacity { get; set; } = 1;

    /// <summary>
    /// Tasks received and made ready (input downloaded, request built) per GPU while the GPUs work, so that a GPU
    /// that frees up gets its next request at once. Needs an unbounded <see cref="DispatcherSettings.FreeSlotWait"/>.
    /// </summary>
    public int PrefetchPerGpu { get; set; } = 1;

    /// <summary>The deadline of one invocation (Lambda's function timeout).</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The lease of a received message: longer than the task's deadline and its bookkeeping.</summary>
    public TimeSpan Visibility => TaskTimeout + TimeSpan.FromMinutes(1);

    /// <summary>Long-poll wait of one receive.</summary>
    public TimeSpan ReceiveWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Pause after the queue failed to answer.</summary>
    public TimeSpan ErrorPause { get; set; } = TimeSpan.FromSeconds(1);

    public int Loops => Math.Max(1, GpuCapacity) * (1 + Math.Max(0, PrefetchPerGpu));

    /// <summary>The summed capacity of every configured endpoint: the number of generations the pool runs at once.</summary>
    public static int PoolCapacity(IEnumerable<RuntimeConfig> runtimes, DispatcherSettings settings) =>
        Math.Max(1, runtimes.SelectMany(r => r.Endpoints).Distinct(StringComparer.Ordinal).Sum(settings.CapacityOf));
}
