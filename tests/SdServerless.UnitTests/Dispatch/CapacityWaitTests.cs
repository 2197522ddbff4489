namespace SdServerless.UnitTests.Dispatch;

/// <summary>A pool with no server free (at zero, booting, all busy) puts tasks back; it never spends their attempts.</summary>
public sealed class CapacityWaitTests
{
    private static readonly SdTask TextTask = DispatcherHarness.Task("waits", TaskType.TextToImage, """{"prompt":"a cat","steps":20}""");

    /// <summary>A harness whose runtime has no server registered yet, and whose dispatcher does not wait for one.</summary>
    private static (DispatcherHarness Harness, InProcessPoolRegistry Registry) EmptyPool(int maxAttempts = 5)
    {
        var registry = new InProcessPoolRegistry([], new PoolRules());
        var harness = new DispatcherHarness(maxAttempts, registry);
        harness.Settings.FreeSlotWait = TimeSpan.Zero;
        return (harness, registry);
    }

    private static TaskMessage Message(string body) => JsonSerializer.Deserialize(body, CoreJsonContext.Default.TaskMessage)!;

    private static Task RegisterAsync(InProcessPoolRegistry registry) =>
        registry.RegisterAsync(new PoolServer { Runtime = "sdruntime", Url = DispatcherHarness.Endpoint }, CancellationToken.None);

    [Fact]
    public async Task AnEmptyPoolPutsTheTaskBackInANewDelayedMessageWithoutSpendingAnAttempt()
    {
        var (harness, _) = EmptyPool();
        var record = await harness.EnqueueAndReceiveAsync(TextTask);

        var response = await harness.DispatchAsync(record);

        Assert.Empty(response.BatchItemFailures);
        var (body, delay) = harness.Queue.Sent[^1];
        var next = Message(body);
        Assert.Equal((0, harness.Clock.GetUtcNow()), (next.Attempts, next.WaitingSince));
        Assert.Equal("a cat", (string?)next.Task!.Content["prompt"]);
        Assert.InRange(delay, harness.Settings.CapacityBackoffBase / 2, harness.Settings.CapacityBackoffBase);
        Assert.Equal([body], harness.Queue.Bodies);
        var state = (await harness.StateAsync("waits"))!;
        Assert.Equal(("queued", "capacity", 0), ((string?)state["status"], (string?)state["waiting_for"], (int)state["attempts"]!));
        Assert.Null(await harness.ResultAsync("waits"));
        Assert.Empty(harness.SdWebUi.Requests);
        Assert.Equal(["sdruntime"], harness.Metrics.WaitingForCapacity);
    }

    [Fact]
    public async Task ATaskThePoolGaveBackBeforeItsWaitEndedIsQueuedAgainAfterTheGiveWayDelay()
    {
        // The registry gives the task back early: tasks behind it in the queue could use a slot this one may not take.
        // It has a server and will soon have a slot, so it goes back after the short give-way delay, not the backoff.
        var (harness, registry, inner) = await GivingWayAsync();
        var record = await harness.EnqueueAndReceiveAsync(TextTask);

        Assert.Empty((await harness.DispatchAsync(record)).BatchItemFailures);

        var (body, delay) = harness.Queue.Sent[^1];
        Assert.Equal(harness.Settings.GiveWayDelay, delay);
        Assert.NotEqual(TimeSpan.Zero, delay);
        Assert.Equal(0, Message(body).Attempts);
        var state = (await harness.StateAsync("waits"))!;
        Assert.Equal(("queued", "capacity"), ((string?)state["status"], (string?)state["waiting_for"]));
        Assert.Empty(harness.SdWebUi.Requests);

        // The same registry, waiting out the dispatcher's whole wait: a delay as for an empty pool.
        registry.GivesWay = false;
        harness.Settings.FreeSlotWait = TimeSpan.Zero;
        await inner.DeregisterAsync("sdruntime", DispatcherHarness.Endpoint, default);
        Assert.Empty(await harness.ReceiveAsync());
        harness.Clock.Advance(harness.Settings.GiveWayDelay);
        await harness.DispatchAsync((await harness.ReceiveAsync()).Single());
        Assert.InRange(harness.Queue.Sent[^1].Delay, harness.Settings.CapacityBackoffBase / 2, harness.Settings.CapacityBackoffBase);
    }

    [Fact]
    public async Task AGiveWayRightAfterAWaitForCapacityLeavesTheStateItWrote()
    {
        // The first give-way writes "queued, waiting for capacity"; the message it sends, given back again on its first
        // receive, finds that state current and does not write it again.
        var (harness, _, _) = await GivingWayAsync();
        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(TextTask));
        var written = (string?)(await harness.StateAsync("waits"))!["updated_at"];
        harness.Clock.Advance(harness.Settings.GiveWayDelay);

        await harness.DispatchAsync((await harness.ReceiveAsync()).Single());

        Assert.Equal(2, harness.Queue.Sent.Count(s => s.Delay == harness.Settings.GiveWayDelay));
        Assert.Equal(written, (string?)(await harness.StateAsync("waits"))!["updated_at"]);
    }

    [Fact]
    public async Task AGiveWayAfterARetryWritesTheStateAgain()
    {
        // A message received before (hidden for a retry after a failed attempt) may carry a wait for capacity from
        // earlier while its state says it waits for the retry: the give-way says it waits for capacity again.
        var (harness, _, _) = await GivingWayAsync();
        var since = harness.Clock.GetUtcNow();
        await harness.Queue.SendAsync(TestTasks.MessageBody(new TaskMessage { IdTask = TextTask.Id, Task = TextTask, WaitingSince = since }), TimeSpan.Zero, default);
        var first = (await harness.ReceiveAsync()).Single();
        await harness.Queue.ChangeVisibilityAsync(first.ReceiptHandle, TimeSpan.Zero, default);
        var again = (await harness.ReceiveAsync()).Single();
        Assert.Equal("2", again.Attributes["ApproximateReceiveCount"]);

        await harness.DispatchAsync(again);

        var state = (await harness.StateAsync("waits"))!;
        Assert.Equal(("queued", "capacity"), ((string?)state["status"], (string?)state["waiting_for"]));
    }

    /// <summary>A harness whose registry has a server but gives every task back at once, for the tasks behind it.</summary>
    private static async Task<(DispatcherHarness Harness, ScriptedPoolRegistry Registry, InProcessPoolRegistry Inner)> GivingWayAsync()
    {
        var inner = new InProcessPoolRegistry([], new PoolRules());
        var registry = new ScriptedPoolRegistry(inner, running: true) { GivesWay = true };
        var harness = new DispatcherHarness(5, registry);
        harness.Settings.FreeSlotWait = TimeSpan.FromSeconds(20);
        await RegisterAsync(inner);
        return (harness, registry, inner);
    }

    [Fact]
    public async Task AWaitingTaskRunsOnceAServerRegistersAndCountsOnlyTheAttemptThatReachedIt()
    {
        var (harness, registry) = EmptyPool();
        var record = await harness.EnqueueAndReceiveAsync(TextTask);
        for (var wait = 0; wait < 3; wait++)
        {
            await harness.DispatchAsync(record);
            harness.Clock.Advance(harness.Settings.CapacityBackoffCap);
            record = (await harness.ReceiveAsync()).Single();
            Assert.Equal("1", record.Attributes["ApproximateReceiveCount"]);
        }

        await RegisterAsync(registry);
        Assert.Empty((await harness.DispatchAsync(record)).BatchItemFailures);

        var result = (await harness.ResultAsync("waits"))!;
        Assert.Equal(("succeeded", 1), ((string?)result["status"], (int)result["attempts"]!));
        Assert.Equal(3, harness.Metrics.WaitingForCapacity.Count);
        Assert.Single(harness.SdWebUi.Generations);
        Assert.Empty(harness.Queue.Bodies);
    }

    [Fact]
    public async Task TheWaitGrowsWithTheTimeAlreadyWaitedUpToItsCap()
    {
        var (harness, _) = EmptyPool();
        var since = harness.Clock.GetUtcNow();
        var record = await harness.SendAndReceiveAsync(TestTasks.MessageBody(new TaskMessage { IdTask = TextTask.Id, Task = TextTask, WaitingSince = since }));
        var waited = TimeSpan.FromSeconds(4);
        Assert.InRange(waited, harness.Settings.CapacityBackoffBase, harness.Settings.CapacityBackoffCap);
        harness.Clock.Advance(waited);

        await harness.DispatchAsync(record);

        var (body, delay) = harness.Queue.Sent[^1];
        Assert.Equal(since, Message(body).WaitingSince);
        Assert.InRange(delay, waited / 2, waited);

        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await harness.DispatchAsync((await harness.ReceiveAsync()).Single());
        Assert.InRange(harness.Queue.Sent[^1].Delay, harness.Settings.CapacityBackoffCap / 2, harness.Settings.CapacityBackoffCap);
    }

    [Fact]
    public async Task AttemptsCarriedByTheMessageAddToItsReceivesAndCountTowardsTheLimit()
    {
        var harness = new DispatcherHarness(maxAttempts: 3);
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var record = await harness.SendAndReceiveAsync(TestTasks.MessageBody(new TaskMessage { IdTask = TextTask.Id, Task = TextTask, Attempts = 1 }));

        Assert.Single((await harness.DispatchAsync(record)).BatchItemFailures);
        var state = (await harness.StateAsync("waits"))!;
        Assert.Equal((2, "retry_backoff"), ((int)state["attempts"]!, (string?)state["waiting_for"]));

        harness.Clock.Advance(harness.Settings.BackoffCap);
        Assert.Empty((await harness.DispatchAsync((await harness.ReceiveAsync()).Single())).BatchItemFailures);
        var result = (await harness.ResultAsync("waits"))!;
        Assert.Equal(("failed", 3), ((string?)result["status"], (int)result["attempts"]!));
        Assert.Contains("gave up after 3 attempts", (string?)result["error"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PastTheQueueingDeadlineATaskWithoutCapacityFailsWithNoCapacityAndGetsItsResult()
    {
        var (harness, _) = EmptyPool();
        var since = harness.Clock.GetUtcNow();
        var record = await harness.SendAndReceiveAsync(TestTasks.MessageBody(new TaskMessage { IdTask = TextTask.Id, Task = TextTask, Attempts = 2, WaitingSince = since }));
        harness.Clock.Advance(harness.Options.QueueingDeadline);

        var response = await harness.DispatchAsync(record);

        Assert.Empty(response.BatchItemFailures);
        var result = (await harness.ResultAsync("waits"))!;
        Assert.Equal(("failed", "no_capacity", 2), ((string?)result["status"], (string?)result["error"]!["type"], (int)result["attempts"]!));
        Assert.Contains("queueing deadline", (string?)result["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal("https://hooks.example.com/done", (string?)result["callback_url"]);
        Assert.Empty(harness.Queue.Bodies);
        Assert.Empty(harness.Metrics.WaitingForCapacity);
        Assert.Equal((2, false), Assert.Single(harness.Metrics.Completed) is var m ? (m.Attempts, m.Succeeded) : default);
    }

    [Fact]
    public async Task JustBeforeTheQueueingDeadlineTheTaskStillWaits()
    {
        var (harness, _) = EmptyPool();
        var record = await harness.SendAndReceiveAsync(TestTasks.MessageBody(new TaskMessage { IdTask = TextTask.Id, Task = TextTask, WaitingSince = harness.Clock.GetUtcNow() }));
        harness.Clock.Advance(harness.Options.QueueingDeadline - TimeSpan.FromSeconds(1));

        await harness.DispatchAsync(record);

        Assert.Null(await harness.ResultAsync("waits"));
        Assert.Equal("capacity", (string?)(await harness.StateAsync("waits"))!["waiting_for"]);
    }

    [Fact]
    public async Task WhenTheNewMessageCannotBeSentTheOldOneIsHiddenForTheDelayInstead()
    {
        var (harness, _) = EmptyPool();
        var record = await harness.EnqueueAndReceiveAsync(TextTask);
        harness.Queue.FailSends = true;

        var response = await harness.DispatchAsync(record);

        Assert.Equal([record.MessageId], response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Empty(await harness.ReceiveAsync());
        harness.Clock.Advance(harness.Settings.CapacityBackoffBase);
        Assert.Equal(record.Body, Assert.Single(await harness.ReceiveAsync()).Body);
        Assert.Equal("capacity", (string?)(await harness.StateAsync("waits"))!["waiting_for"]);
    }

    [Fact]
    public async Task WithTooLittleOfTheInvocationLeftNoSlotIsLeasedAndTheTaskGoesBack()
    {
        var harness = new DispatcherHarness();
        var record = await harness.EnqueueAndReceiveAsync(TextTask);
        var deadline = harness.Clock.GetUtcNow() + harness.Settings.BookkeepingTimeout + harness.Settings.MinimumGenerationTime - TimeSpan.FromSeconds(1);

        var response = await harness.DispatchAsync(deadline, record);

        Assert.Empty(response.BatchItemFailures);
        Assert.Empty(harness.SdWebUi.Requests);
        Assert.Equal(0, Message(harness.Queue.Bodies.Single()).Attempts);
        Assert.Equal("capacity", (string?)(await harness.StateAsync("waits"))!["waiting_for"]);
    }
}
