using SdServerless.Local.Queueing;

namespace SdServerless.IntegrationTests.Queueing;

/// <summary>What the file queue does beyond the port's contract: what survives reopening, compaction, recovery.</summary>
[Trait("Category", "Integration")]
public sealed class FileTaskQueueTests : IDisposable
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly string _directory = Path.Combine(Directory.CreateTempSubdirectory("sdserverless-filequeue-").FullName, "tasks");

    private string JournalPath => Path.Combine(_directory, "journal.log");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);

    [Fact]
    public async Task ReopeningKeepsWaitingMessagesAndForgetsDeletedOnes()
    {
        await using (var queue = FileTaskQueue.Open(_directory))
        {
            await queue.SendAsync("kept", TimeSpan.Zero, default);
            await queue.SendAsync("deleted", TimeSpan.Zero, default);
            var deleted = (await queue.ReceiveAsync(10, Hour, TimeSpan.Zero, default)).Single(m => m.Body == "deleted");
            await queue.DeleteAsync(deleted.ReceiptHandle, default);
        }

        await using var reopened = FileTaskQueue.Open(_directory);
        var message = Assert.Single(await reopened.ReceiveAsync(10, Hour, TimeSpan.Zero, default));
        Assert.Equal("kept", message.Body);
        Assert.Equal(2, message.ReceiveCount);
    }

    [Fact]
    public async Task ASendReturnsOnlyAfterItsRecordWasFlushedToTheDiskAndReceivesAndDeletesDoNotFlush()
    {
        await using var queue = FileTaskQueue.Open(_directory);
        var before = queue.DurableJournalWrites;

        await queue.SendAsync("one", TimeSpan.Zero, default);
        var afterOne = queue.DurableJournalWrites;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => queue.SendAsync($"many-{i}", TimeSpan.Zero, default)));
        var afterMany = queue.DurableJournalWrites;
        foreach (var message in await queue.ReceiveAsync(10, Hour, TimeSpan.Zero, default))
        {
            await queue.DeleteAsync(message.ReceiptHandle, default);
        }

        Assert.Equal(before + 1, afterOne);
        Assert.InRange(afterMany - afterOne, 1, 20);
        Assert.Equal(afterMany, queue.DurableJournalWrites);
    }

    [Fact]
    public async Task WithoutFlushToDiskNothingIsFlushed()
    {
        await using var queue = FileTaskQueue.Open(_directory, new FileTaskQueueOptions { FlushToDisk = false });

        await queue.SendAsync("one", TimeSpan.Zero, default);

        Assert.Equal(0, queue.DurableJournalWrites);
    }

    [Fact]
    public async Task ADamagedJournalLineCostsOnlyItsOwnRecordAndTheFileIsKeptAside()
    {
        await using (var queue = FileTaskQueue.Open(_directory))
        {
            foreach (var body in new[] { "first", "second", "third", "fourth" })
            {
                await queue.SendAsync(body, TimeSpan.Zero, default);
            }
        }

        var lines = File.ReadAllLines(JournalPath).ToList();
        var damaged = lines.FindIndex(l => l.Contains("second", StringComparison.Ordinal));
        lines[damaged] = lines[damaged][..(lines[damaged].Length / 2)];
        File.WriteAllLines(JournalPath, lines);

        await using var reopened = FileTaskQueue.Open(_directory);
        var bodies = (await reopened.ReceiveAsync(10, Hour, TimeSpan.Zero, default)).Select(m => m.Body).Order().ToList();

        Assert.Equal(["first", "fourth", "third"], bodies);
        var kept = Assert.Single(Directory.GetFiles(_directory, "journal.log.damaged-*"));
        Assert.Equal(lines, File.ReadAllLines(kept));
    }

    [Fact]
    public async Task ADelayedMessageKeepsItsDelayAcrossAReopen()
    {
        await using (var queue = FileTaskQueue.Open(_directory))
        {
            await queue.SendAsync("in an hour", Hour, default);
        }

        await using var reopened = FileTaskQueue.Open(_directory);
        Assert.Empty(await reopened.ReceiveAsync(10, Hour, TimeSpan.Zero, default));
        Assert.Equal(1, await reopened.GetApproximateDepthAsync(default));
    }

    [Fact]
    public async Task ReceiveCountsSurviveAReopenSoACrashingMessageStillEndsInTheDeadLetterQueue()
    {
        var options = new FileTaskQueueOptions { MaxReceiveCount = 2 };
        for (var run = 1; run <= 2; run++)
        {
            await using var queue = FileTaskQueue.Open(_directory, options);
            if (run == 1)
            {
                await queue.SendAsync("crashes its consumer", TimeSpan.Zero, default);
            }

            Assert.Equal(run, Assert.Single(await queue.ReceiveAsync(1, Hour, TimeSpan.Zero, default)).ReceiveCount);
        }

        await using var last = FileTaskQueue.Open(_directory, options);
        Assert.Empty(await last.ReceiveAsync(1, Hour, TimeSpan.Zero, default));
        Assert.Equal("crashes its consumer", Assert.Single(await last.DeadLetter!.ReceiveAsync(1, Hour, TimeSpan.Zero, default)).Body);
    }

    [Fact]
    public async Task TheJournalIsCompactedWhileMessagesComeAndGo()
    {
        var options = new FileTaskQueueOptions { CompactionThresholdBytes = 16 * 1024 };
        var body = new string('x', 500);
        await using (var queue = FileTaskQueue.Open(_directory, options))
        {
            await queue.SendAsync("survivor", TimeSpan.Zero, default);
            for (var i = 0; i < 400; i++)
            {
                await queue.SendAsync(body, TimeSpan.Zero, default);
                var message = (await queue.ReceiveAsync(10, Hour, TimeSpan.Zero, default)).Single(m => m.Body == body);
                await queue.DeleteAsync(message.ReceiptHandle, default);
            }

            // 400 messages of 500 bytes went through; without compaction the journal would hold all of them.
            Assert.InRange(new FileInfo(JournalPath).Length, 0, 2 * options.CompactionThresholdBytes + 4096);
        }

        await using var reopened = FileTaskQueue.Open(_directory, options);
        Assert.Equal("survivor", Assert.Single(await reopened.ReceiveAsync(10, Hour, TimeSpan.Zero, default)).Body);
    }

    [Fact]
    public async Task ALastLineTornByACrashIsIgnoredOnReopen()
    {
        await using (var queue = FileTaskQueue.Open(_directory))
        {
            await queue.SendAsync("whole", TimeSpan.Zero, default);
        }

        await File.AppendAllTextAsync(JournalPath, "{\"op\":\"send\",\"id\":\"torn\",\"sent\":17");

        await using (var reopened = FileTaskQueue.Open(_directory))
        {
            await reopened.SendAsync("after the crash", TimeSpan.Zero, default);
        }

        await using var again = FileTaskQueue.Open(_directory);
        var bodies = (await again.ReceiveAsync(10, Hour, TimeSpan.Zero, default)).Select(m => m.Body).Order(StringComparer.Ordinal);
        Assert.Equal(["after the crash", "whole"], bodies);
    }

    [Fact]
    public async Task FiftyConcurrentSendersAreAllAcceptedAndSurviveAReopen()
    {
        var ids = new ConcurrentBag<string>();
        await using (var queue = FileTaskQueue.Open(_directory))
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(sender => Task.Run(async () =>
            {
                for (var i = 0; i < 20; i++)
                {
                    ids.Add(await queue.SendAsync($"{sender}-{i}", TimeSpan.Zero, default));
                }
            })));
            Assert.Equal(1000, await queue.GetApproximateDepthAsync(default));
        }

        await using var reopened = FileTaskQueue.Open(_directory);
        var received = new List<QueueMessage>();
        IReadOnlyList<QueueMessage> batch;
        while ((batch = await reopened.ReceiveAsync(100, Hour, TimeSpan.Zero, default)).Count > 0)
        {
            received.AddRange(batch);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), received.Select(m => m.MessageId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AStaleReceiptHandleNeitherDeletesNorHidesTheRedeliveredMessage()
    {
        await using var queue = FileTaskQueue.Open(_directory);
        await queue.SendAsync("twice", TimeSpan.Zero, default);
        var first = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMilliseconds(50), TimeSpan.Zero, default));
        var second = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.Zero, TimeSpan.FromSeconds(5), default));

        await queue.DeleteAsync(first.ReceiptHandle, default);
        await queue.ChangeVisibilityAsync(first.ReceiptHandle, Hour, default);

        var third = Assert.Single(await queue.ReceiveAsync(1, Hour, TimeSpan.FromSeconds(5), default));
        Assert.Equal(first.MessageId, third.MessageId);
        Assert.Equal(3, third.ReceiveCount);
        Assert.NotEqual(second.ReceiptHandle, third.ReceiptHandle);
    }

    [Fact]
    public async Task ABodyAboveTheSizeLimitIsRefused()
    {
        await using var queue = FileTaskQueue.Open(_directory, new FileTaskQueueOptions { MaxMessageBytes = 1024 });

        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync(new string('x', 1025), TimeSpan.Zero, default));
        Assert.Equal(0, await queue.GetApproximateDepthAsync(default));
    }

    [Fact]
    public async Task EndlessLeasesAndDelaysAreAccepted()
    {
        await using var queue = FileTaskQueue.Open(_directory);
        await queue.SendAsync("never", TimeSpan.MaxValue, default);
        await queue.SendAsync("now", TimeSpan.Zero, default);

        var held = Assert.Single(await queue.ReceiveAsync(10, TimeSpan.MaxValue, TimeSpan.Zero, default));
        await queue.ChangeVisibilityAsync(held.ReceiptHandle, TimeSpan.MaxValue, default);

        Assert.Equal("now", held.Body);
        Assert.Empty(await queue.ReceiveAsync(10, Hour, TimeSpan.Zero, default));
        Assert.Equal(2, await queue.GetApproximateDepthAsync(default));
    }

    [Fact]
    public async Task DisposingEndsAWaitingReceive()
    {
        var queue = FileTaskQueue.Open(_directory);
        var receiving = queue.ReceiveAsync(1, Hour, TimeSpan.FromMinutes(5), default);

        await queue.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => receiving);
    }
}
