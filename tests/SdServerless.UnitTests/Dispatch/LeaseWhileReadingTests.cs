namespace SdServerless.UnitTests.Dispatch;

/// <summary>
/// A message that carries its task seeks a slot while request.json is read and result.json and the cancel marker are
/// checked; those reads still decide: nothing goes to the server before they allow it, and a task they refuse gives
/// its slot back and ends as it would have without the slot.
/// </summary>
public sealed class LeaseWhileReadingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheSlotIsSoughtWhileRequestJsonIsStillBeingReadAndNothingIsSentBeforeTheReadEnds()
    {
        var (harness, registry, _) = Build();
        var task = DispatcherHarness.Task("overlap", TaskType.TextToImage, """{"prompt":"a cat"}""");
        await StoreRecordAsync(harness, task, claim: "mine");
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Store.BeforeGet = key => key == TaskKeys.Request(task.Id) ? reading.Task : System.Threading.Tasks.Task.CompletedTask;
        var record = await harness.SendAndReceiveAsync(Message(task, "mine"));

        var dispatching = harness.DispatchAsync(record);
        var asked = await registry.Asked.WaitAsync(Bound);

        Assert.Equal(task.Id, asked.TaskId);
        Assert.False(dispatching.IsCompleted);
        Assert.Empty(harness.SdWebUi.Generations);
        reading.SetResult();
        var response = await dispatching.WaitAsync(Bound);

        Assert.Empty(response.BatchItemFailures);
        Assert.Single(harness.SdWebUi.Generations);
        Assert.Equal("succeeded", (string?)(await harness.ResultAsync(task.Id))!["status"]);
    }

    [Fact]
    public async Task AMessageWhoseRecordWasTakenOverSendsNothingAndGivesItsSlotBack()
    {
        var (harness, _, pool) = Build();
        var task = DispatcherHarness.Task("taken", TaskType.TextToImage, """{"prompt":"a cat"}""");
        await StoreRecordAsync(harness, task, claim: "the other request's");

        var response = await harness.DispatchAsync(await harness.SendAndReceiveAsync(Message(task, "mine"))).WaitAsync(Bound);

        Assert.Empty(response.BatchItemFailures);
        Assert.Empty(harness.SdWebUi.Generations);
        Assert.Null(await harness.ResultAsync(task.Id));
        Assert.Equal(0, pool.LeasedSlots(DispatcherHarness.Endpoint));
    }

    [Fact]
    public async Task ATaskCancelledWhileQueuedEndsCancelledUnsentAndGivesItsSlotBack()
    {
        var (harness, _, pool) = Build();
        var task = DispatcherHarness.Task("withdrawn", TaskType.TextToImage, """{"prompt":"a cat"}""");
        await StoreRecordAsync(harness, task, claim: "mine");
        await harness.Store.TryCreateAsync(TaskKeys.Cancel(task.Id), "{}"u8.ToArray(), "application/json", CancellationToken.None);

        var response = await harness.DispatchAsync(await harness.SendAndReceiveAsync(Message(task, "mine"))).WaitAsync(Bound);

        Assert.Empty(response.BatchItemFailures);
        Assert.Empty(harness.SdWebUi.Generations);
        Assert.Equal("cancelled", (string?)(await harness.ResultAsync(task.Id))!["status"]);
        Assert.Equal(0, pool.LeasedSlots(DispatcherHarness.Endpoint));
    }

    [Fact]
    public async Task AFinishedTaskFindingNoCapacityIsNotPutBackToWaitForIt()
    {
        var (harness, registry, _) = Build();
        registry.GivesWay = true;
        var task = DispatcherHarness.Task("done", TaskType.TextToImage, """{"prompt":"a cat"}""");
        await StoreRecordAsync(harness, task, claim: "mine");
        var result = """{"id_task":"done","status":"succeeded"}"""u8.ToArray();
        await harness.Store.TryCreateAsync(TaskKeys.Result(task.Prefix, task.Id), result, "application/json", CancellationToken.None);

        var response = await harness.DispatchAsync(await harness.SendAndReceiveAsync(Message(task, "mine"))).WaitAsync(Bound);

        Assert.Empty(response.BatchItemFailures);
        Assert.Empty(await harness.ReceiveAsync());
        Assert.Null(await harness.StateAsync(task.Id));
        Assert.Equal(result, (await harness.Store.GetAsync(TaskKeys.Result(task.Prefix, task.Id), CancellationToken.None))!.Content.ToArray());
    }

    private static (DispatcherHarness Harness, ScriptedPoolRegistry Registry, InProcessPoolRegistry Pool) Build()
    {
        var pool = new InProcessPoolRegistry(FixedPoolServers.From([new() { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint] }], _ => 1), new PoolRules());
        var registry = new ScriptedPoolRegistry(pool, running: true);
        return (new DispatcherHarness(registry: registry), registry, pool);
    }

    /// <summary>request.json as the API leaves it for an accepted task, with the claim of the request that won the id.</summary>
    private static Task StoreRecordAsync(DispatcherHarness harness, SdTask task, string claim) =>
        harness.Store.TryCreateJsonAsync(
            TaskKeys.Request(task.Id),
            new TaskRecord
            {
                IdTask = task.Id,
                RequestHash = "hash",
                OutputLocation = TaskKeys.OutputLocation(harness.Store.BucketName, task.Prefix, task.Id),
                CreatedAt = DispatcherHarness.Start,
                Enqueued = true,
                Claim = claim,
                Task = task,
            },
            CoreJsonContext.Default.TaskRecord,
            CancellationToken.None);

    private static string Message(SdTask task, string claim) => TestTasks.MessageBody(new TaskMessage { IdTask = task.Id, Task = task, Claim = claim });
}
