using System.Collections.Concurrent;
using SdServerless.Core.Telemetry;

namespace SdServerless.Lambda.Telemetry;

/// <summary>
/// Turns the registry's reads into RegisteredGpus/LeasedSlots gauges, at most one line per runtime per
/// <see cref="Interval"/>: a dispatcher waiting for a slot reads its pool several times a second.
/// </summary>
public sealed class PoolGauges(ITaskMetrics metrics, TimeProvider clock)
{
    /// <summary>The metrics' resolution: more often adds nothing an alarm could see.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, long> _lastEmitted = new(StringComparer.Ordinal);

    /// <summary>
    /// Reports a read of the runtime's pool, unless a line for the runtime went out less than <see cref="Interval"/> ago.
    /// </summary>
    public void Observe(string runtime, int registeredGpus, int leasedSlots)
    {
        var now = clock.GetTimestamp();
        var last = _lastEmitted.GetOrAdd(runtime, long.MinValue);
        if (last != long.MinValue && clock.GetElapsedTime(last, now) < Interval)
        {
            return;
        }

        // Only the caller that moves the mark emits: concurrent reads of one runtime give one line.
        if (_lastEmitted.TryUpdate(runtime, now, last))
        {
            metrics.RecordPool(runtime, registeredGpus, leasedSlots);
        }
    }
}
