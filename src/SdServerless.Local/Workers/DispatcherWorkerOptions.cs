using SdServerless.Core.Runtimes;
using SdServerless.Functions.Dispatch;

namespace SdServerless.Local.Workers;

/// <summary>How one runtime's dispatcher loops poll its queue: how many, how long, and the deadline of each invocation.</summary>
public sealed class DispatcherWorkerOptions
{
    /// <summary>Requests the runtime's pool serves at once (emulated GPUs, or one per SD Web UI server).</summary>
    public int GpuCapacity { get; set; } = 1;

    /// <summary>
    /// Tasks received and made ready (input downloaded, request built) per GPU while the GPUs work, so that a GPU
    /// that frees up gets its next request at once. Needs a <see cref="DispatcherOptions.FreeSlotWait"/> as long as a generation.
    /// </summary>
    public int PrefetchPerGpu { get; set; } = 1;

    /// <summary>
    /// The deadline of one invocation (Lambda's function timeout): long enough for the input downloads, the wait for a
    /// slot and a whole generation (see <see cref="For"/>).
    /// </summary>
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The eventSourceARN of the records, naming the queue they came from.</summary>
    public string QueueArn { get; set; } = DispatcherWorker.DefaultQueueArn;

    /// <summary>The lease of a received message: longer than the invocation and its bookkeeping.</summary>
    public TimeSpan Visibility => InvocationTimeout + TimeSpan.FromMinutes(1);

    /// <summary>Long-poll wait of one receive.</summary>
    public TimeSpan ReceiveWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Pause after the queue failed to answer.</summary>
    public TimeSpan ErrorPause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Receive loops: one per request the GPUs run or hold, plus the prefetched ones; at least one.</summary>
    public int Loops => Math.Max(1, GpuCapacity) * (1 + Math.Max(0, PrefetchPerGpu));

    /// <summary>The summed capacity of every configured endpoint: the number of generations the pool runs at once.</summary>
    public static int PoolCapacity(IEnumerable<RuntimeConfig> runtimes, DispatcherOptions settings) =>
        Math.Max(1, runtimes.SelectMany(r => r.Endpoints).Distinct(StringComparer.Ordinal).Sum(settings.CapacityOf));

    /// <summary>
    /// The loops of one runtime's queue: as many requests in flight as its servers hold (their GPU slots and those
    /// sent ahead), and an invocation deadline that fits the input downloads, a whole wait for a slot and a whole
    /// generation, with the bookkeeping after it.
    /// </summary>
    public static DispatcherWorkerOptions For(RuntimeConfig runtime, string queueArn, DispatcherOptions settings)
    {
        var generation = settings.GenerationTimeout ?? settings.LeaseDuration;
        var slotWait = settings.FreeSlotWait == Timeout.InfiniteTimeSpan ? generation : settings.FreeSlotWait;
        return new DispatcherWorkerOptions
        {
            GpuCapacity = PoolCapacity([runtime], settings) * (1 + Math.Max(0, settings.RequestsAheadPerSlot)),
            QueueArn = queueArn,
            InvocationTimeout = settings.InputTimeout + slotWait + generation + (2 * settings.BookkeepingTimeout),
        };
    }
}
