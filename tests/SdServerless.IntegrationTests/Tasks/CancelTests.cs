using static SdServerless.IntegrationTests.Tasks.InProcessHost;

namespace SdServerless.IntegrationTests.Tasks;

/// <summary>Cancelling tasks through the local host's API, checked against what its SD Web UI emulator ran.</summary>
[Trait("Category", "Integration")]
public sealed class CancelTests
{
    /// <summary>Emulated generations that last until interrupted: no step depends on this machine's speed.</summary>
    private const int Endless = 600_000;

    [Fact]
    public async Task ACancelledQueuedTaskNeverReachesTheEmulator()
    {
        await using var host = await StartAsync(o => o.EmulatorDelayMs = Endless);
        string[] ids = ["first", "second", "third"];
        for (var i = 0; i < ids.Length; i++)
        {
            await host.SubmitAsync(ids[i], seed: 100 + i);
        }

        // One emulated GPU: one task runs, one waits at the server, one waits in the dispatcher (queued).
        var queued = await WaitForTwoRunningAsync(host, ids);
        var seed = 100 + Array.IndexOf(ids, queued);

        var (code, body) = await host.CancelAsync(queued);
        Assert.Equal(HttpStatusCode.Accepted, code);
        Assert.Equal($$"""{"id_task":"{{queued}}","status":"cancelling"}""", body);
        var final = await host.WaitForAsync(queued, s => StatusOf(s) == "cancelled", "cancelled");

        Assert.Empty(final["images"]!.AsArray());
        Assert.Equal("cancelled", final["error"]!["type"]!.GetValue<string>());
        await InterruptAllAsync(host, ids.Where(id => id != queued));
        Assert.DoesNotContain(host.Emulator.JobLog, job => job.Seed == seed);
        Assert.Equal(2, host.Emulator.JobLog.Count);
    }

    [Fact]
    public async Task ACancelledRunningTaskIsInterruptedAndTheNextOneStartsAtOnce()
    {
        await using var host = await StartAsync(o => o.EmulatorDelayMs = Endless);
        await host.SubmitAsync("running", seed: 201);
        await host.WaitForAsync("running", s => StatusOf(s) == "running", "ran");
        await host.SubmitAsync("next", seed: 202);
        await host.WaitForAsync("next", s => StatusOf(s) == "running", "was sent to the server");

        Assert.Equal(HttpStatusCode.Accepted, (await host.CancelAsync("running", useDelete: true)).Code);
        var cancelled = await host.WaitForAsync("running", s => StatusOf(s) == "cancelled", "cancelled");

        // SD Web UI answers an interrupted request with the images made so far; they are kept.
        var first = Assert.Single(host.Emulator.JobLog);
        Assert.Equal(201, first.Seed);
        Assert.True(first.Interrupted, "the emulator did not record an interrupt");
        Assert.Equal(first.Images, cancelled["images"]!.AsArray().Count);

        // The next task was waiting at the server: it starts the moment the GPU is free, and can be cancelled too.
        Assert.Equal(HttpStatusCode.Accepted, (await host.CancelAsync("next")).Code);
        await host.WaitForAsync("next", s => StatusOf(s) == "cancelled", "cancelled");
        var next = host.Emulator.JobLog.Single(job => job.Seed == 202);
        Assert.True(next.Interrupted);
        Assert.True(next.StartedAt - first.FinishedAt < TimeSpan.FromSeconds(10),
            $"the next task started {(next.StartedAt - first.FinishedAt).TotalSeconds:F1} s after the interrupt");
    }

    [Fact]
    public async Task CancellingTwiceGivesTheSameAnswerAndAFinishedTaskIs409()
    {
        await using var host = await StartAsync(o => o.EmulatorDelayMs = Endless);
        await host.SubmitAsync("to-cancel", seed: 301);
        await host.WaitForAsync("to-cancel", s => StatusOf(s) == "running", "ran");
        Assert.Equal(HttpStatusCode.Accepted, (await host.CancelAsync("to-cancel")).Code);
        await host.WaitForAsync("to-cancel", s => StatusOf(s) == "cancelled", "cancelled");

        var again = await host.CancelAsync("to-cancel");
        var onceMore = await host.CancelAsync("to-cancel", useDelete: true);

        Assert.Equal(HttpStatusCode.OK, again.Code);
        Assert.Equal("""{"id_task":"to-cancel","status":"cancelled"}""", again.Body);
        Assert.Equal(again, onceMore);
    }

    [Fact]
    public async Task CancellingASucceededTaskIs409WithItsStatus()
    {
        await using var host = await StartAsync();
        await host.SubmitAsync("done", seed: 401);
        await host.WaitForAsync("done", s => StatusOf(s) == "succeeded", "succeeded");

        var (code, body) = await host.CancelAsync("done");

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("succeeded", JsonNode.Parse(body)!["task_status"]!.GetValue<string>());
        Assert.Equal("succeeded", StatusOf(await host.StatusAsync("done")));
    }

    [Fact]
    public async Task ARunningTasksProgressRisesAndAQueuedOneShowsItsPosition()
    {
        // 20 s per image: progress moves a few percent between two reads a second apart.
        // The others are sent once "slow" runs alone, so that it is certainly the request the GPU runs.
        await using var host = await StartAsync(o => o.EmulatorDelayMs = 20_000);
        await host.SubmitAsync("slow", seed: 501);
        await host.WaitForAsync("slow", s => StatusOf(s) == "running", "ran");
        await host.SubmitAsync("ahead", seed: 502);
        await host.WaitForAsync("ahead", s => StatusOf(s) == "running", "was sent to the server");
        await host.SubmitAsync("behind", seed: 503);

        var early = await host.WaitForAsync("slow", s => StatusOf(s) == "running" && s["progress"]!.GetValue<double>() > 0, "showed progress");
        var firstProgress = early["progress"]!.GetValue<double>();
        var later = await host.WaitForAsync("slow", s => s["progress"]?.GetValue<double>() > firstProgress, "showed rising progress");
        Assert.True(later["progress"]!.GetValue<double>() <= 1);
        Assert.True(later["eta_seconds"]!.GetValue<double>() > 0);

        var behind = await host.WaitForAsync("behind", s => StatusOf(s) == "queued" && s["queue_position"] is not null, "showed a queue position");
        Assert.Equal(1, behind["queue_position"]!.GetValue<long>());
        await InterruptAllAsync(host, ["slow", "ahead", "behind"]);
    }

    /// <summary>Waits until two tasks are running (one at the GPU, one waiting at the server); returns the third.</summary>
    private static async Task<string> WaitForTwoRunningAsync(InProcessHost host, string[] ids)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var statuses = new Dictionary<string, string>();
            foreach (var id in ids)
            {
                statuses[id] = StatusOf(await host.StatusAsync(id));
            }

            if (statuses.Count(s => s.Value == "running") == 2)
            {
                var queued = Assert.Single(statuses, s => s.Value != "running");
                Assert.Equal("queued", queued.Value);
                return queued.Key;
            }

            Assert.True(DateTime.UtcNow < deadline, $"two tasks never became running: {string.Join(", ", statuses)}\n{host.Log}");
            await Task.Delay(50);
        }
    }

    /// <summary>Cancels the given tasks and waits until each is finished, so the host stops with nothing running.</summary>
    private static async Task InterruptAllAsync(InProcessHost host, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            await host.CancelAsync(id);
        }

        foreach (var id in ids)
        {
            await host.WaitForAsync(id, s => StatusOf(s) is "cancelled" or "succeeded", "finished");
        }
    }
}
