using SdServerless.Core;

namespace SdServerless.Functions.Dispatch;

/// <summary>The project's <see cref="Backoff"/> for messages put back on the queue: whole seconds, within SQS's limits.</summary>
public static class RetryBackoff
{
    /// <summary>SQS refuses visibility timeouts above 12 hours.</summary>
    private static readonly TimeSpan SqsMaximum = TimeSpan.FromHours(12);

    /// <summary>SQS refuses message delays above 15 minutes.</summary>
    private static readonly TimeSpan SqsMaximumDelay = TimeSpan.FromMinutes(15);

    /// <summary>The delay before a failed task's next attempt: doubling from <paramref name="baseDelay"/>, half of it jittered.</summary>
    /// <param name="attempt">The attempt that just failed, from 1.</param>
    /// <param name="baseDelay">The delay after the first attempt.</param>
    /// <param name="cap">The longest delay (SQS's 12 hours at most).</param>
    /// <param name="jitter">A number in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan cap, double jitter)
    {
        var full = Backoff.Exponential(baseDelay, attempt, cap < SqsMaximum ? cap : SqsMaximum);
        return TimeSpan.FromSeconds(Math.Round(Backoff.WithJitter(full, jitter).TotalSeconds));
    }

    /// <summary>The delay of a task put back for capacity after waiting <paramref name="waited"/> (see <see cref="DispatcherOptions.CapacityBackoffBase"/>).</summary>
    /// <param name="waited">How long the task has waited for a server so far.</param>
    /// <param name="baseDelay">The shortest delay.</param>
    /// <param name="cap">The longest delay (SQS's 15 minutes at most).</param>
    /// <param name="jitter">A number in [0, 1).</param>
    public static TimeSpan ForCapacity(TimeSpan waited, TimeSpan baseDelay, TimeSpan cap, double jitter)
    {
        var full = TimeSpan.FromSeconds(Math.Min(Math.Max(waited.TotalSeconds, baseDelay.TotalSeconds), Math.Min(cap.TotalSeconds, SqsMaximumDelay.TotalSeconds)));
        return TimeSpan.FromSeconds(Math.Round(Backoff.WithJitter(full, jitter).TotalSeconds));
    }
}
