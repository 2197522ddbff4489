using System.Buffers;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using SdServerless.Core;
using SdServerless.Local.IO;

namespace SdServerless.Local.Queueing;

/// <summary>
/// The append-only journal of a <see cref="FileTaskQueue"/>: one JSON line per change. A single writer task takes
/// every record queued since its last round, writes them with one call and, when any of them must be durable, fsyncs
/// once for all of them (group commit: fifty concurrent sends cost one fsync, not fifty). When the file has grown
/// past its threshold the writer replaces it with a snapshot of the live messages (compaction).
/// </summary>
internal sealed class QueueJournal : IAsyncDisposable
{
    private readonly string _path;
    private readonly Lock _gate;
    private readonly Func<IReadOnlyList<JournalRecord>> _snapshot;
    private readonly bool _flushToDisk;
    private readonly long _compactionThreshold;
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Task _writer;
    private SafeFileHandle _handle;
    private long _length;
    private long _nextCompactionAt;
    private long _durableWrites;

    /// <param name="path">The journal file, created when missing.</param>
    /// <param name="gate">The queue's state lock: records are queued under it, and the snapshot is taken under it.</param>
    /// <param name="snapshot">The live messages as send records (called under <paramref name="gate"/>).</param>
    /// <param name="flushToDisk">Whether a durable append waits for fsync (<see cref="FileTaskQueueOptions.FlushToDisk"/>).</param>
    /// <param name="compactionThreshold">The size past which the journal is rewritten as a snapshot.</param>
    public QueueJournal(string path, Lock gate, Func<IReadOnlyList<JournalRecord>> snapshot, bool flushToDisk, long compactionThreshold)
    {
        _path = path;
        _gate = gate;
        _snapshot = snapshot;
        _flushToDisk = flushToDisk;
        _compactionThreshold = compactionThreshold;

        // Start from a snapshot: it drops a torn last line and everything already deleted.
        IReadOnlyList<JournalRecord> live;
        lock (_gate)
        {
            live = _snapshot();
        }

        _handle = WriteSnapshot(live);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The size of the journal file after the last write.</summary>
    public long Length => Interlocked.Read(ref _length);

    /// <summary>Rounds of appends flushed to the disk (fsync) before their writers were answered.</summary>
    public long DurableWrites => Interlocked.Read(ref _durableWrites);

    /// <summary>
    /// Every complete record of the journal file, in order. A line that does not parse (a torn last line after a
    /// crash, a damaged one anywhere) is skipped, and when there was one the file is copied to
    /// <c>journal.log.damaged-TIME</c> before the snapshot replaces it.
    /// </summary>
    public static List<JournalRecord> ReadAll(string path)
    {
        var records = new List<JournalRecord>();
        if (!File.Exists(path))
        {
            return records;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[256 * 1024];
        var filled = 0;
        var damaged = false;
        while (true)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = file.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var consumed = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', consumed, filled - consumed)) >= 0)
            {
                // A damaged line costs that record only, never the ones after it; the damaged file is kept aside.
                if (JournalRecord.TryParse(buffer.AsSpan(consumed, newline - consumed)) is { } record)
                {
                    records.Add(record);
                }
                else
                {
                    damaged = true;
                }

                consumed = newline + 1;
            }

            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
            if (read == 0)
            {
                if (damaged)
                {
                    File.Copy(path, $"{path}.damaged-{DateTime.UtcNow:yyyyMMddTHHmmssfff}", overwrite: false);
                }

                return records;
            }
        }
    }

    /// <summary>
    /// Queues a record; call it under the queue's lock so the journal's order is the order of the changes.
    /// The task ends once the record is written (survives the process), and flushed to disk when <paramref name="durable"/>.
    /// </summary>
    public Task AppendAsync(JournalRecord record, bool durable)
    {
        var pending = new PendingWrite(record, durable, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _pending.Writer.TryWrite(pending)
            ? pending.Completion.Task
            : Task.FromException(new ObjectDisposedException(nameof(FileTaskQueue)));
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writer;
        _handle.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>();
        while (await _pending.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (_pending.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            WriteBatch(batch);
            if (_length >= _nextCompactionAt)
            {
                Compact();
            }
        }
    }

    private void WriteBatch(List<PendingWrite> batch)
    {
        var start = _length;
        try
        {
            _buffer.ResetWrittenCount();
            foreach (var pending in batch)
            {
                pending.Record.WriteLine(_buffer);
            }

            RandomAccess.Write(_handle, _buffer.WrittenSpan, start);
            if (_flushToDisk && batch.Exists(p => p.Durable))
            {
                RandomAccess.FlushToDisk(_handle);
                Interlocked.Increment(ref _durableWrites);
            }

            Interlocked.Exchange(ref _length, start + _buffer.WrittenCount);
            batch.ForEach(p => p.Completion.TrySetResult());
        }
        catch (Exception e)
        {
            // Cut off what may have been half written, so the next round appends after the last good record.
            try
            {
                RandomAccess.SetLength(_handle, start);
            }
            catch (IOException)
            {
            }

            var failure = new DependencyUnavailableException($"The queue journal '{_path}' could not be written: {e.Message}", e);
            batch.ForEach(p => p.Completion.TrySetException(failure));
        }
    }

    private void Compact()
    {
        var carried = new List<PendingWrite>();
        IReadOnlyList<JournalRecord> live;
        lock (_gate)
        {
            // Records queued so far are already part of the state the snapshot is taken from.
            while (_pending.Reader.TryRead(out var pending))
            {
                carried.Add(pending);
            }

            live = _snapshot();
        }

        try
        {
            var handle = WriteSnapshot(live);
            _handle.Dispose();
            _handle = handle;
            carried.ForEach(p => p.Completion.TrySetResult());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Keep the old journal; the carried records still belong in it. Try compacting again later.
            _nextCompactionAt = _length + _compactionThreshold;
            WriteBatch(carried);
        }
    }

    /// <summary>Writes the records to a new file, makes it durable, and puts it in place of the journal.</summary>
    private SafeFileHandle WriteSnapshot(IReadOnlyList<JournalRecord> records)
    {
        var temporary = _path + ".compact";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            var chunk = new ArrayBufferWriter<byte>(64 * 1024);
            foreach (var record in records)
            {
                record.WriteLine(chunk);
                if (chunk.WrittenCount >= 1024 * 1024)
                {
                    file.Write(chunk.WrittenSpan);
                    chunk.ResetWrittenCount();
                }
            }

            file.Write(chunk.WrittenSpan);
            file.Flush(flushToDisk: _flushToDisk);
        }

        File.Move(temporary, _path, overwrite: true);
        if (_flushToDisk)
        {
            PosixFileSystem.FlushDirectory(Path.GetDirectoryName(_path)!);
        }

        var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        Interlocked.Exchange(ref _length, RandomAccess.GetLength(handle));
        _nextCompactionAt = Math.Max(_compactionThreshold, 2 * _length);
        return handle;
    }

    private sealed record PendingWrite(JournalRecord Record, bool Durable, TaskCompletionSource Completion);
}
