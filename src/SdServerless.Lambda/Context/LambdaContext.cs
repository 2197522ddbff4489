namespace SdServerless.Lambda.Context;

/// <summary>What the Runtime API tells about one invocation (the Lambda-Runtime-* headers of runtime/invocation/next).</summary>
public sealed class LambdaContext(string awsRequestId, DateTimeOffset deadline, string? invokedFunctionArn, string? traceId)
{
    /// <summary>Time kept back from the deadline so a cancelled handler can still answer before Lambda kills it.</summary>
    public static readonly TimeSpan DefaultSafetyMargin = TimeSpan.FromMilliseconds(500);

    /// <summary>The invocation's id (Lambda-Runtime-Aws-Request-Id): its response and logs name it.</summary>
    public string AwsRequestId { get; } = awsRequestId;

    /// <summary>When Lambda stops the invocation (Lambda-Runtime-Deadline-Ms).</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>The ARN the function was invoked by (Lambda-Runtime-Invoked-Function-Arn), when the Runtime API gave it.</summary>
    public string? InvokedFunctionArn { get; } = invokedFunctionArn;

    /// <summary>The X-Ray trace header (Lambda-Runtime-Trace-Id), exposed to SDKs as _X_AMZN_TRACE_ID.</summary>
    public string? TraceId { get; } = traceId;

    /// <summary>Time left until the deadline; zero once it has passed, never negative.</summary>
    public TimeSpan GetRemainingTime(TimeProvider timeProvider)
    {
        var remaining = Deadline - timeProvider.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>
    /// A source that cancels <paramref name="safetyMargin"/> before the deadline (at once when that has passed).
    /// The caller disposes it.
    /// </summary>
    public CancellationTokenSource CreateDeadlineCancellation(TimeProvider timeProvider, TimeSpan safetyMargin)
    {
        var delay = GetRemainingTime(timeProvider) - safetyMargin;
        if (delay <= TimeSpan.Zero)
        {
            var expired = new CancellationTokenSource();
            expired.Cancel();
            return expired;
        }

        return new CancellationTokenSource(delay, timeProvider);
    }

    /// <summary>Parses Lambda-Runtime-Deadline-Ms (Unix epoch milliseconds).</summary>
    public static DateTimeOffset ParseDeadline(string? deadlineMs) =>
        long.TryParse(deadlineMs, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : throw new FormatException($"Lambda-Runtime-Deadline-Ms is not a number of milliseconds: '{deadlineMs}'.");
}
