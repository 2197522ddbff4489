using SdServerless.Core.Queueing;

namespace SdServerless.Local.Queueing;

/// <summary>
/// The live messages of a <see cref="FileTaskQueue"/> in arrival order, and SQS's rules for handing them out.
/// Not thread-safe: the queue calls it under its lock.
/// </summary>
internal sealed class QueueState
{
    private readonly Dictionary<string, QueueEntry> _entries = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, QueueEntry> _order = [];
    private long _nextSequence;

    public int Count => _entries.Count;

    public bool Contains(string id) => _entries.ContainsKey(id);

    public QueueEntry Add(string id, string body, DateTimeOffset sentAt)
    {
        var entry = new QueueEntry(_nextSequence++, id, body, sentAt);
        _entries.Add(id, entry);
        _order.Add(entry.Sequence, entry);
        return entry;
    }

    public IReadOnlyList<string> Bodies() => [.. _order.Values.Where(e => e.Accepted && !e.Moving).Select(e => e.Body)];

    public void Remove(QueueEntry entry)
    {
        _entries.Remove(entry.Id);
        _order.Remove(entry.Sequence);
    }

    /// <summary>The message currently held under this receipt handle; null for a stale or unknown handle.</summary>
    public QueueEntry? FindHeld(string receiptHandle)
    {
        var separator = receiptHandle.IndexOf('#');
        return separator > 0
            && _entries.TryGetValue(receiptHandle[..separator], out var entry)
            && string.Equals(entry.ReceiptHandle, receiptHandle, StringComparison.Ordinal)
            ? entry
            : null;
    }

    /// <summary>
    /// Leases up to <paramref name="maxMessages"/> visible messages, oldest first. Messages already received
    /// <paramref name="maxReceiveCount"/> times (when it is above 0) are marked as moving and returned in
    /// <paramref name="expired"/> instead. Returns when the next hidden message becomes visible, if any is.
    /// </summary>
    public DateTimeOffset? Lease(
        DateTimeOffset now, int maxMessages, TimeSpan visibility, int maxReceiveCount, List<QueueEntry> leased, List<QueueEntry> expired)
    {
        DateTimeOffset? nextVisible = null;
        foreach (var entry in _order.Values)
        {
            if (!entry.Accepted || entry.Moving)
            {
                continue;
            }

            if (entry.VisibleAt > now)
            {
                nextVisible = nextVisible is { } next && next < entry.VisibleAt ? next : entry.VisibleAt;
                continue;
            }

            if (maxReceiveCount > 0 && entry.ReceiveCount >= maxReceiveCount)
            {
                entry.Moving = true;
                expired.Add(entry);
                continue;
            }

            entry.ReceiveCount++;
            entry.VisibleAt = now + visibility;
            entry.ReceiptHandle = $"{entry.Id}#{entry.ReceiveCount}#{Guid.NewGuid():N}";
            leased.Add(entry);
            if (leased.Count == maxMessages)
            {
                break;
            }
        }

        return nextVisible;
    }

    /// <summary>Replays a journal. Messages received under the previous process are visible at <paramref name="now"/>.</summary>
    public void Restore(IEnumerable<JournalRecord> history, DateTimeOffset now)
    {
        foreach (var record in history)
        {
            switch (record.Operation)
            {
                case JournalOperation.Send when !Contains(record.Id):
                    var entry = Add(record.Id, record.Body!, DateTimeOffset.FromUnixTimeMilliseconds(record.SentAtMs));
                    entry.ReceiveCount = record.ReceiveCount;
                    entry.VisibleAt = record.ReceiveCount > 0 ? now : DateTimeOffset.FromUnixTimeMilliseconds(record.VisibleAtMs);
                    entry.Accepted = true;
                    break;
                case JournalOperation.Receive when _entries.TryGetValue(record.Id, out var received):
                    received.ReceiveCount = Math.Max(received.ReceiveCount, record.ReceiveCount);
                    received.VisibleAt = now;
                    break;
                case JournalOperation.Delete when _entries.TryGetValue(record.Id, out var deleted):
                    Remove(deleted);
                    break;
            }
        }
    }

    /// <summary>Every live message as one send record, for a compacted journal.</summary>
    public IReadOnlyList<JournalRecord> Snapshot(DateTimeOffset now) =>
        _order.Values.Select(entry => entry.ToSendRecord(entry.ReceiveCount > 0 ? now : entry.VisibleAt)).ToList();

    public static QueueMessage ToMessage(QueueEntry entry) =>
        new(entry.Id, entry.ReceiptHandle!, entry.Body, entry.ReceiveCount, entry.SentAt);
}
