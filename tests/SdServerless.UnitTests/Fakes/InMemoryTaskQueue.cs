using SdServerless.Core;
using SdServerless.Core.Queueing;

namespace SdServerless.UnitTests.Fakes;

/// <summary>An in-process SQS-like queue for handler unit tests, on a controllable clock.</summary>
public sealed class InMemoryTaskQueue(TimeProvider? clock = null) : ITaskQueue
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly List<(string Body, TimeSpan Delay)> _sent = [];
    private int _nextId;

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

    public Task<string> SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
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
            return Task.FromResult(id);
        }
    }

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var received = new List<QueueMessage>();
            foreach (var entry in _entries.Where(e => e.VisibleAt <= now).Take(maxMessages))
            {
                entry.ReceiveCount++;
                entry.VisibleAt = now + visibility;
                entry.ReceiptHandle = $"{entry.Id}#{entry.ReceiveCount}";
                received.Add(new QueueMessage(entry.Id, entry.ReceiptHandle, entry.Body, entry.ReceiveCount, entry.SentAt));
            }

            return Task.FromResult<IReadOnlyList<QueueMessage>>(received);
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
