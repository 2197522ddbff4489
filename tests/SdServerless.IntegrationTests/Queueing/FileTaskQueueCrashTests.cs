using SdServerless.Local.Queueing;

namespace SdServerless.IntegrationTests.Queueing;

/// <summary>The file queue under a real SIGKILL of the process using it (the TestProbe child process).</summary>
[Trait("Category", "Integration")]
public sealed class FileTaskQueueCrashTests : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory = Path.Combine(Directory.CreateTempSubdirectory("sdserverless-crash-").FullName, "tasks");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);

    [Fact]
    public async Task AProcessKilledWhileSendingLosesNoAcknowledgedMessage()
    {
        using var probe = TestProbeProcess.Start("queue-send", _directory, "100000");
        var acknowledged = 0;
        await probe.WaitForLineAsync(line => line.StartsWith("sent ", StringComparison.Ordinal) && ++acknowledged >= 300, ProbeTimeout);

        await probe.KillAsync();

        var sent = probe.Lines.Where(line => line.StartsWith("sent ", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[2], parts => $"message-{parts[1]}");
        Assert.DoesNotContain("done", probe.Lines);
        await using var queue = FileTaskQueue.Open(_directory);
        var survivors = await DrainAsync(queue);
        Assert.Equal(survivors.Count, survivors.Select(m => m.Body).Distinct().Count());
        foreach (var (id, body) in sent)
        {
            Assert.Equal(body, Assert.Single(survivors, m => m.MessageId == id).Body);
        }
    }

    [Fact]
    public async Task MessagesHeldByAKilledProcessAreVisibleAtOnceAfterReopening()
    {
        await using (var queue = FileTaskQueue.Open(_directory))
        {
            for (var i = 1; i <= 10; i++)
            {
                await queue.SendAsync($"task-{i}", TimeSpan.Zero, default);
            }
        }

        using var probe = TestProbeProcess.Start("queue-hold", _directory, "6");
        await probe.WaitForLineAsync(line => line == "done", ProbeTimeout);
        await probe.KillAsync();
        var held = probe.Lines.Where(line => line.StartsWith("held ", StringComparison.Ordinal)).Select(line => line[5..]).ToHashSet();

        await using var reopened = FileTaskQueue.Open(_directory);
        var all = await DrainAsync(reopened);

        Assert.Equal(6, held.Count);
        Assert.Equal(10, all.Count);
        Assert.All(all, m => Assert.Equal(held.Contains(m.MessageId) ? 2 : 1, m.ReceiveCount));
    }

    [Fact]
    public async Task ASecondLiveProcessCannotOpenTheQueueButASuccessorOfADeadOneCan()
    {
        await using (var queue = FileTaskQueue.Open(_directory))
        {
            await queue.SendAsync("only", TimeSpan.Zero, default);
        }

        using var probe = TestProbeProcess.Start("queue-hold", _directory, "1");
        await probe.WaitForLineAsync(line => line == "done", ProbeTimeout);

        var refused = Assert.Throws<InvalidOperationException>(() => FileTaskQueue.Open(_directory));
        Assert.Contains("already open in another live process", refused.Message, StringComparison.Ordinal);
        Assert.Contains(probe.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message, StringComparison.Ordinal);

        await probe.KillAsync();
        await using var successor = FileTaskQueue.Open(_directory);
        Assert.Equal("only", Assert.Single(await successor.ReceiveAsync(10, TimeSpan.FromMinutes(1), TimeSpan.Zero, default)).Body);
    }

    /// <summary>Everything visible right now, without waiting: leases of the dead process must not hold anything back.</summary>
    private static async Task<List<QueueMessage>> DrainAsync(FileTaskQueue queue)
    {
        var all = new List<QueueMessage>();
        IReadOnlyList<QueueMessage> batch;
        while ((batch = await queue.ReceiveAsync(100, TimeSpan.FromMinutes(10), TimeSpan.Zero, default)).Count > 0)
        {
            all.AddRange(batch);
        }

        return all;
    }
}
