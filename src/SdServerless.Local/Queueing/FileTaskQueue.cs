using System.Text;
using SdServerless.Core;
using SdServerless.Core.Queueing;

namespace SdServerless.Local.Queueing;

/// <summary>
/// A durable embedded queue with SQS's semantics, kept in a directory: <c>journal.log</c> (one JSON line per change,
/// compacted as it grows), <c>queue.lock</c> (one live process per directory) and, when
/// <see cref="FileTaskQueueOptions.MaxReceiveCount"/> is set, the dead-letter queue in <c>dead-letter/</c>.
/// A send returns once its message is on disk. Opening the directory again after a crash makes every message
/// the dead process held in flight visible at once, with its receive count kept.
/// </summary>
public sealed class FileTaskQueue : ITaskQueue, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan MaxSpan = TimeSpan.FromDays(30);
    private readonly Lock _gate = new();
    private readonly QueueState _state = new();
    private readonly FileTaskQueueOptions _options;
    private readonly TimeProvider _clock;
    private readonly QueueDirectoryLock _directoryLock;
    private readonly QueueJournal _journal;
    private TaskCompletionSource _changed = NewSignal();
    private bool _disposed;

    private FileTaskQueue(string directory, FileTaskQueueOptions options, QueueDirectoryLock directoryLock, List<JournalRecord> history)
    {
        Directory = directory;
        _options = options;
        _clock = options.TimeProvider;
        _directoryLock = directoryLock;
        _state.Restore(history, _clock.GetUtcNow());
        _journal = new QueueJournal(Path.Combine(directory, "journal.log"), _gate, () => _state.Snapshot(_clock.GetUtcNow()), options.FlushToDisk, options.CompactionThresholdBytes);
    }

    /// <summary>The queue's directory.</summary>
    public string Directory { get; }

    /// <summary>Where messages go after <see cref="FileTaskQueueOptions.MaxReceiveCount"/> receives; null when disabled.</summary>
    public FileTaskQueue? DeadLetter { get; private set; }

    /// <summary>
    /// Opens (or creates) the queue in <paramref name="directory"/>. Throws <see cref="InvalidOperationException"/>
    /// when another live process has it open, and <see cref="DependencyUnavailableException"/> when the directory
    /// cannot be used.
    /// </summary>
    public static FileTaskQueue Open(string directory, FileTaskQueueOptions? options = null)
    {
        options ??= new FileTaskQueueOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxReceiveCount);
        directory = Path.GetFullPath(directory);
        QueueDirectoryLock? directoryLock = null;
        FileTaskQueue? queue = null;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            directoryLock = QueueDirectoryLock.Acquire(directory);
            queue = new FileTaskQueue(directory, options, directoryLock, QueueJournal.ReadAll(Path.Combine(directory, "journal.log")));
            if (options.MaxReceiveCount > 0)
            {
                queue.DeadLetter = Open(Path.Combine(directory, "dead-letter"), options.ForDeadLetterQueue());
            }

            return queue;
        }
        catch (Exception e)
        {
            if (queue is not null)
            {
                queue.Dispose();
            }
            else
            {
                directoryLock?.Dispose();
            }

            if (e is IOException or UnauthorizedAccessException)
            {
                throw new DependencyUnavailableException($"The queue in '{directory}' cannot be opened: {e.Message}", e);
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<string> SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        if (Encoding.UTF8.GetByteCount(body) > _options.MaxMessageBytes)
        {
            throw new ArgumentException($"The message is larger than {_options.MaxMessageBytes} bytes.", nameof(body));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await AddAsync(Guid.NewGuid().ToString(), body, _clock.GetUtcNow(), delay);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibility, TimeSpan.Zero);
        visibility = Bounded(visibility);
        var deadline = _clock.GetUtcNow() + Bounded(wait);
        while (true)
        {
            var leased = new List<QueueEntry>();
            var expired = new List<QueueEntry>();
            List<QueueMessage> received;
            Task written = Task.CompletedTask;
            Task changed;
            DateTimeOffset? nextVisible;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var maxReceiveCount = DeadLetter is null ? 0 : _options.MaxReceiveCount;
                nextVisible = _state.Lease(_clock.GetUtcNow(), maxMessages, visibility, maxReceiveCount, leased, expired);
                foreach (var entry in leased)
                {
                    written = _journal.AppendAsync(new JournalRecord(JournalOperation.Receive, entry.Id, ReceiveCount: entry.ReceiveCount), durable: false);
                }

                received = leased.ConvertAll(QueueState.ToMessage);
                changed = _changed.Task;
            }

            // Records are written in order, so the last one being written means all of them are.
            await written;
            if (expired.Count > 0)
            {
                await MoveToDeadLetterAsync(expired);
            }

            if (received.Count > 0)
            {
                return received;
            }

            if (expired.Count > 0)
            {
                continue;
            }

            var remaining = deadline - _clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return received;
            }

            if (nextVisible is { } visibleAt && visibleAt - _clock.GetUtcNow() < remaining)
            {
                // Wake when the next lease or delay ends; a receive must not sleep past a message becoming visible.
                var untilVisible = visibleAt - _clock.GetUtcNow() + TimeSpan.FromMilliseconds(1);
                remaining = untilVisible > TimeSpan.FromMilliseconds(1) ? untilVisible : TimeSpan.FromMilliseconds(1);
            }

            await WaitAsync(changed, remaining, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken)
    {
        Task written;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.FindHeld(receiptHandle) is not { } entry)
            {
                return;
            }

            _state.Remove(entry);
            written = _journal.AppendAsync(new JournalRecord(JournalOperation.Delete, entry.Id), durable: false);
        }

        await written;
    }

    /// <inheritdoc/>
    public Task ChangeVisibilityAsync(string receiptHandle, TimeSpan visibility, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(visibility, TimeSpan.Zero);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.FindHeld(receiptHandle) is { } entry)
            {
                // Not journaled: after a restart every held message is visible at once anyway.
                entry.VisibleAt = _clock.GetUtcNow() + Bounded(visibility);
                Signal();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The bodies of the live messages in arrival order (the order receives hand them out), held ones included.</summary>
    public IReadOnlyList<string> Bodies()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _state.Bodies();
        }
    }

    /// <summary>Every live message, held ones included, counted exactly: the journal's state is in memory.</summary>
    public Task<long> GetApproximateDepthAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Task.FromResult((long)_state.Count);
        }
    }

    /// <summary>Ends waiting receives, writes the journal out and releases the directory (and the dead-letter queue).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Signal();
        }

        await _journal.DisposeAsync();
        _directoryLock.Dispose();
        if (DeadLetter is not null)
        {
            await DeadLetter.DisposeAsync();
        }
    }

    /// <summary>The same as <see cref="DisposeAsync"/>, for callers that cannot await.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// How often the journal was flushed to the disk (fsync) before a send returned: with
    /// <see cref="FileTaskQueueOptions.FlushToDisk"/>, at least once per round of concurrent sends.
    /// </summary>
    public long DurableJournalWrites => _journal.DurableWrites;

    /// <summary>Adds a message under an existing id (a move from another queue); nothing when the id is already here.</summary>
    private async Task<string> AddAsync(string id, string body, DateTimeOffset sentAt, TimeSpan delay)
    {
        QueueEntry entry;
        Task written;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.Contains(id))
            {
                return id;
            }

            entry = _state.Add(id, body, sentAt);
            entry.VisibleAt = _clock.GetUtcNow() + Bounded(delay);
            written = _journal.AppendAsync(entry.ToSendRecord(entry.VisibleAt), durable: true);
        }

        try
        {
            await written;
        }
        catch
        {
            lock (_gate)
            {
                _state.Remove(entry);
            }

            throw;
        }

        lock (_gate)
        {
            entry.Accepted = true;
            Signal();
        }

        return id;
    }

    private async Task MoveToDeadLetterAsync(List<QueueEntry> expired)
    {
        foreach (var entry in expired)
        {
            try
            {
                await DeadLetter!.AddAsync(entry.Id, entry.Body, entry.SentAt, TimeSpan.Zero);
            }
            catch
            {
                lock (_gate)
                {
                    entry.Moving = false;
                }

                throw;
            }

            Task written;
            lock (_gate)
            {
                _state.Remove(entry);
                written = _journal.AppendAsync(new JournalRecord(JournalOperation.Delete, entry.Id), durable: false);
            }

            await written;
        }
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private async Task WaitAsync(Task changed, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, _clock, timeoutSource.Token);
        await Task.WhenAny(changed, delay);
        await timeoutSource.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Keeps "now + span" representable however long a caller asks for (TimeSpan.MaxValue, say).</summary>
    private static TimeSpan Bounded(TimeSpan span) => span < MaxSpan ? span : MaxSpan;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
