namespace SdServerless.Functions.Dispatch;

/// <summary>Exponential backoff with jitter for messages put back on the queue.</summary>
public static class RetryBackoff
{
    /// <summary>SQS refuses visibility timeouts above 12 hours.</summary>
    private static readonly TimeSpan SqsMaximum = TimeSpan.FromHours(12);

    /// <param name="attempt">The attempt that just failed, from 1.</param>
    /// <param name="jitter">A number in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan cap, double jitter)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var full = Math.Min(baseDelay.TotalSeconds * Math.Pow(2, exponent), Math.Min(cap.TotalSeconds, SqsMaximum.TotalSeconds));
        return TimeSpan.FromSeconds(Math.Round((full / 2) + (full / 2 * jitter)));
    }
}
