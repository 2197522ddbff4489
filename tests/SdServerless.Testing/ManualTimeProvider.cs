namespace SdServerless.Testing;

/// <summary>
/// A clock for retry tests: timers fire at once and move the clock forward by their due time, so backoff and
/// Retry-After waits take no real time, and every wait that was asked for is recorded in <see cref="Delays"/>.
/// </summary>
/// <remarks>
/// Tests that only set or move the time use FakeTimeProvider (Microsoft.Extensions.TimeProvider.Testing). This one
/// stays for what that one does not do: there a timer fires only when the test calls Advance, so a wait deep inside
/// the code under test (the webhook delivery's backoff, the submission's wait for another request) would hang unless
/// the test guessed when to advance; and it keeps no record of the waits, which the delivery tests assert on.
/// </remarks>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _delays = [];
    private DateTimeOffset _now = start;

    public ManualTimeProvider()
        : this(DateTimeOffset.UtcNow)
    {
    }

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _delays.Add(dueTime);
            _now += dueTime;
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
