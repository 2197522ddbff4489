namespace SdServerless.Core;

/// <summary>
/// The one backoff of every retry and poll: doubling from a first delay up to a cap, and "equal jitter" (half the
/// delay fixed, half random) where many callers might otherwise retry in step.
/// </summary>
public static class Backoff
{
    /// <summary>The delay before retry number <paramref name="retry"/> (1: the first): first × 2^(retry − 1), at most <paramref name="cap"/>.</summary>
    public static TimeSpan Exponential(TimeSpan first, int retry, TimeSpan cap)
    {
        var ticks = first.Ticks * Math.Pow(2, Math.Clamp(retry - 1, 0, 30));
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The pause after <paramref name="pause"/> when polling: twice as long, at most <paramref name="cap"/>.</summary>
    public static TimeSpan Next(TimeSpan pause, TimeSpan cap) => Exponential(pause, 2, cap);

    /// <summary>Half of <paramref name="delay"/> fixed, the other half scaled by <paramref name="jitter"/> (in [0, 1)).</summary>
    public static TimeSpan WithJitter(TimeSpan delay, double jitter) => (delay / 2) + (delay / 2 * jitter);
}
