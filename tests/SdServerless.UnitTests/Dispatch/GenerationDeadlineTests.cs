namespace SdServerless.UnitTests.Dispatch;

/// <summary>
/// A generation's deadline runs from the lease of its slot, or from when the request runs if it was queued behind
/// another; past it, only our own running request is interrupted.
/// </summary>
public sealed class GenerationDeadlineTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static SdTask Task(string id) => DispatcherHarness.Task(id, TaskType.TextToImage, """{"prompt":"a cat"}""");

    [Fact]
    public async Task ADeadlineInterruptsTheServerRunningOurRequestAndReleasesTheSlot()
    {
        var registry = new InProcessPoolRegistry(FixedPoolServers.From([new() { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint] }], _ => 1), new PoolRules());
        var harness = new DispatcherHarness(registry: registry);
        harness.Settings.GenerationTimeout = TimeSpan.FromMilliseconds(300);
        harness.SdWebUi.HoldGeneration = ct => System.Threading.Tasks.Task.Delay(Bound, ct);
        var record = await harness.EnqueueAndReceiveAsync(Task("slow"));

        var response = await harness.DispatchAsync(record).WaitAsync(Bound);

        Assert.Single(response.BatchItemFailures);
        Assert.Equal(1, harness.SdWebUi.Interrupts);
        var state = (await harness.StateAsync("slow"))!;
        Assert.Equal(("pool_timeout", "retry_backoff", 1), ((string?)state["last_error"]!["type"], (string?)state["waiting_for"], (int)state["attempts"]!));
        Assert.Equal(0, registry.LeasedSlots(DispatcherHarness.Endpoint));
    }

    [Fact]
    public async Task ARequestStillQueuedBehindAnotherGetsOneMoreTimeoutThenFailsInterruptingNothing()
    {
        var registry = new ScriptedPoolRegistry(new InProcessPoolRegistry(
            FixedPoolServers.From([new() { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint] }], _ => 1), new PoolRules()), running: false);
        var harness = new DispatcherHarness(registry: registry);
        harness.Settings.GenerationTimeout = TimeSpan.FromMilliseconds(300);
        harness.SdWebUi.HoldGeneration = ct => System.Threading.Tasks.Task.Delay(Bound, ct);
        var record = await harness.EnqueueAndReceiveAsync(Task("queued"));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var response = await harness.DispatchAsync(record).WaitAsync(Bound);

        Assert.Single(response.BatchItemFailures);
        Assert.True(watch.Elapsed >= 2 * harness.Settings.GenerationTimeout.Value, $"gave up after {watch.Elapsed}");
        Assert.InRange(registry.RunningChecks, 1, 9); // a few checks, not a spin
        Assert.Equal(0, harness.SdWebUi.Interrupts);
        Assert.Equal("pool_timeout", (string?)(await harness.StateAsync("queued"))!["last_error"]!["type"]);
    }

    [Fact]
    public async Task TheLeaseOutlivesTheLongestAQueuedRequestMayHoldItsSlot()
    {
        var registry = new ScriptedPoolRegistry(new InProcessPoolRegistry(
            FixedPoolServers.From([new() { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint] }], _ => 1), new PoolRules()), running: true);
        var harness = new DispatcherHarness(registry: registry);
        harness.Settings.GenerationTimeout = TimeSpan.FromMinutes(10);

        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Task("leased"))).WaitAsync(Bound);

        // Ten minutes queued behind the request ahead, ten running: the lease may not expire before both are over.
        Assert.Equal(2 * harness.Settings.GenerationTimeout.Value + harness.Settings.LeaseMargin, registry.LastRequest!.Duration);
    }

    [Fact]
    public async Task TheTimeoutOfARequestQueuedBehindAnotherCountsFromWhenItRuns()
    {
        // Queued for 1.2 s behind another task's request, then running for 1.4 s: past a 2 s timeout counted from the
        // lease (by 0.6 s, more on a slow machine), within it counted from when it was seen running (checked once a
        // second, so seen at 2 s: a deadline at 4 s, 1.4 s after the generation ends).
        var registry = new ScriptedPoolRegistry(new InProcessPoolRegistry(
            FixedPoolServers.From([new() { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint] }], _ => 1), new PoolRules()), running: false);
        var harness = new DispatcherHarness(registry: registry);
        harness.Settings.GenerationTimeout = TimeSpan.FromSeconds(2);
        harness.SdWebUi.HoldGeneration = async ct =>
        {
            await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(1200), ct);
            registry.Running = true;
            await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(1400), ct);
        };
        var record = await harness.EnqueueAndReceiveAsync(Task("behind"));

        var response = await harness.DispatchAsync(record).WaitAsync(Bound);

        Assert.Empty(response.BatchItemFailures);
        Assert.Equal("succeeded", (string?)(await harness.ResultAsync("behind"))!["status"]);
        Assert.Equal(0, harness.SdWebUi.Interrupts);
    }

    [Fact]
    public async Task TimeSpentWaitingForASlotDoesNotCountAgainstTheGeneration()
    {
        // One slot: the first task holds it for longer than a generation may last, the second waits for it meanwhile.
        var registry = new InProcessPoolRegistry(FixedPoolServers.From([new() { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint] }], _ => 1), new PoolRules());
        var harness = new DispatcherHarness(registry: registry);
        harness.Settings.GenerationTimeout = TimeSpan.FromSeconds(2);
        harness.Settings.FreeSlotWait = Timeout.InfiniteTimeSpan;
        var held = await registry.AcquireAsync(new LeaseRequest("sdruntime", "holder", null, TimeSpan.FromMinutes(5)), TimeSpan.Zero, CancellationToken.None);
        var record = await harness.EnqueueAndReceiveAsync(Task("patient"));

        var dispatching = harness.DispatchAsync(record);
        await System.Threading.Tasks.Task.Delay(harness.Settings.GenerationTimeout.Value + TimeSpan.FromSeconds(1));
        Assert.False(dispatching.IsCompleted);
        Assert.Null(await harness.StateAsync("patient"));
        await registry.ReleaseAsync(held!, CancellationToken.None);

        Assert.Empty((await dispatching.WaitAsync(Bound)).BatchItemFailures);
        Assert.Equal("succeeded", (string?)(await harness.ResultAsync("patient"))!["status"]);
        Assert.Equal(0, harness.SdWebUi.Interrupts);
    }
}
