using SdServerless.Core;
using SdServerless.Core.Queueing;

namespace SdServerless.Testing;

/// <summary>
/// An in-process SQS-like queue for handler unit tests, on a controllable clock. It runs through the same contract
/// tests as the SQS and file queues (with <see cref="LongPolling"/> and a dead-letter queue), so what handlers are
/// tested against is what they get in production.
/// </summary>
/// <param name="maxReceiveCount">
/// After this many receives a message moves to <see cref="DeadLetter"/> instead of being delivered again, as SQS's
/// redrive policy does; null keeps it in the queue forever.
/// </param>
public sealed class InMemoryTaskQueue(TimeProvider? clock = null, int? maxReceiveCount = null) : ITaskQueue
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly int? _maxReceiveCount = maxReceiveCount;
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly List<(string Body, TimeSpan Delay)> _sent = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    /// <summary>Where messages received <c>maxReceiveCount</c> times go; null without a redrive limit.</summary>
    public InMemoryTaskQueue? DeadLetter { get; } = maxReceiveCount is null ? null : new InMemoryTaskQueue(clock);

    /// <summary>
    /// Whether a receive with a wait holds on until a message is visible or the wait has passed, as SQS's long polling
    /// does. Off, every receive answers at once (an SQS short poll), so that a handler's receive loop on a manual clock
    /// never waits for time that does not pass.
    /// </summary>
    public bool LongPolling { get; init; }

    public bool Unavailable { get; set; }

    /// <summary>Only sends fail (the queue still receives, deletes and changes visibility).</summary>
    public bool FailSends { get; set; }

    /// <summary>Each message's body with the delay it was sent with, in order.</summary>
    public IReadOnlyList<(string Body, TimeSpan Delay)> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Awaited before each send, with the body (a test holds a send back to stage a race).</summary>
    public Func<string, Task>? BeforeSend { get; set; }

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_gate)
            {
                return _entries.Select(e => e.Body).ToList();
            }
        }
    }

    public async Task<string> SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (BeforeSend is { } beforeSend)
        {
            await beforeSend(body);
        }

        ThrowIfUnavailable();
        if (FailSends)
        {
            throw new DependencyUnavailableException("the in-memory queue refuses sends");
        }

        lock (_gate)
        {
            _sent.Add((body, delay));
            var id = $"m-{++_nextId}";
            _entries.Add(new Entry(id, body, _clock.GetUtcNow()) { VisibleAt = _clock.GetUtcNow() + delay });
            SignalChange();
            return id;
        }
    }

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (LongPolling && wait > TimeSpan.Zero)
        {
            return LongPollAsync(maxMessages, visibility, wait, cancellationToken);
        }

        ThrowIfUnavailable();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<QueueMessage>>(TakeVisible(maxMessages, visibility));
        }
    }

    public Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        lock (_gate)
        {
            _entries.RemoveAll(e => e.ReceiptHandle == receiptHandle);
        }

        return Task.CompletedTask;
    }

    public Task ChangeVisibilityAsync(string receiptHandle, TimeSpan visibility, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        lock (_gate)
        {
            foreach (var entry in _entries.Where(e => e.ReceiptHandle == receiptHandle))
            {
                entry.VisibleAt = _clock.GetUtcNow() + visibility;
            }

            SignalChange();
        }

        return Task.CompletedTask;
    }

    public Task<long> GetApproximateDepthAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        lock (_gate)
        {
            return Task.FromResult((long)_entries.Count);
        }
    }

    /// <summary>Receives until a message is visible or <paramref name="wait"/> has passed on the queue's clock.</summary>
    private async Task<IReadOnlyList<QueueMessage>> LongPollAsync(int maxMessages, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = _clock.GetUtcNow() + wait;
        while (true)
        {
            ThrowIfUnavailable();
            Task changed;
            TimeSpan pause;
            lock (_gate)
            {
                var received = TakeVisible(maxMessages, visibility);
                var now = _clock.GetUtcNow();
                if (received.Count > 0 || now >= deadline)
                {
                    return received;
                }

                // Until the wait ends, the next hidden message shows, or a send or visibility change comes first.
                var nextVisible = _entries.Select(e => e.VisibleAt).Where(at => at > now).DefaultIfEmpty(deadline).Min();
                pause = (nextVisible < deadline ? nextVisible : deadline) - now;
                changed = _changed.Task;
            }

            await Task.WhenAny(changed, Task.Delay(pause, _clock, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Leases up to <paramref name="maxMessages"/> visible messages; the caller holds the gate.</summary>
    private List<QueueMessage> TakeVisible(int maxMessages, TimeSpan visibility)
    {
        var now = _clock.GetUtcNow();
        var received = new List<QueueMessage>();
        foreach (var entry in _entries.Where(e => e.VisibleAt <= now).ToList())
        {
            if (received.Count == maxMessages)
            {
                break;
            }

            if (DeadLetter is not null && entry.ReceiveCount >= _maxReceiveCount)
            {
                // SQS moves it on the receive that would exceed the limit, keeping its id, body and send time.
                _entries.Remove(entry);
                DeadLetter.Accept(entry.Id, entry.Body, entry.SentAt);
                continue;
            }

            entry.ReceiveCount++;
            entry.VisibleAt = now + visibility;
            entry.ReceiptHandle = $"{entry.Id}#{entry.ReceiveCount}";
            received.Add(new QueueMessage(entry.Id, entry.ReceiptHandle, entry.Body, entry.ReceiveCount, entry.SentAt));
        }

        return received;
    }

    private void Accept(string id, string body, DateTimeOffset sentAt)
    {
        lock (_gate)
        {
            _entries.Add(new Entry(id, body, sentAt) { VisibleAt = _clock.GetUtcNow() });
            SignalChange();
        }
    }

    /// <summary>Wakes the long polls waiting now; the caller holds the gate.</summary>
    private void SignalChange()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private void ThrowIfUnavailable()
    {
        if (Unavailable)
        {
            throw new DependencyUnavailableException("the in-memory queue is switched off");
        }
    }

    private sealed class Entry(string id, string body, DateTimeOffset sentAt)
    {
        public string Id { get; } = id;

        public string Body { get; } = body;

        public DateTimeOffset SentAt { get; } = sentAt;

        public DateTimeOffset VisibleAt { get; set; }

        public int ReceiveCount { get; set; }

        public string? ReceiptHandle { get; set; }
    }
}
