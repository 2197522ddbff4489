namespace SdServerless.UnitTests.Dispatch;

public sealed class DispatcherOutcomeTests
{
    [Fact]
    public async Task TextToImageStoresNumberedImagesAndThenResultJson()
    {
        var harness = new DispatcherHarness();
        var task = DispatcherHarness.Task("t2i", TaskType.TextToImage, """{"prompt":"a cat","batch_size":2,"n_iter":2}""");
        var record = await harness.EnqueueAndReceiveAsync(task);

        var response = await harness.DispatchAsync(record);

        Assert.Empty(response.BatchItemFailures);
        Assert.Equal(0, await harness.Queue.GetApproximateDepthAsync(CancellationToken.None));
        string[] expected = ["output/t2i/t2i-1.png", "output/t2i/t2i-2.png", "output/t2i/t2i-3.png", "output/t2i/t2i-4.png"];
        Assert.Equal(expected, harness.Store.Keys.Where(k => k.EndsWith(".png", StringComparison.Ordinal)));
        for (var n = 1; n <= 4; n++)
        {
            var image = await harness.Store.GetAsync($"output/t2i/t2i-{n}.png", CancellationToken.None);
            Assert.Equal(FakeSdWebUi.Png(n), image!.Content.ToArray());
            Assert.Equal("image/png", image.ContentType);
        }

        var result = (await harness.ResultAsync("t2i"))!;
        Assert.Equal("t2i", (string?)result["id_task"]);
        Assert.Equal("sdruntime", (string?)result["runtime"]);
        Assert.Equal("text-to-image", (string?)result["tasktype"]);
        Assert.Equal("succeeded", (string?)result["status"]);
        var images = result["images"]!.AsArray();
        Assert.Equal(expected, images.Select(i => (string?)i!["key"]));
        Assert.Equal("s3://outputbucket/output/t2i/t2i-2.png", (string?)images[1]!["s3_uri"]);
        Assert.Equal("image/png", (string?)images[1]!["content_type"]);
        Assert.Equal(FakeSdWebUi.Png(2).Length, (int)images[1]!["size"]!);
        Assert.Equal("a cat", (string?)result["parameters"]!["prompt"]);
        Assert.Equal(4, result["info"]!["all_seeds"]!.AsArray().Count);
        Assert.Null(result["error"]);
        Assert.True(JsonNode.DeepEquals(task.Context, result["context"]));
        Assert.Equal("https://hooks.example.com/done", (string?)result["callback_url"]);
        Assert.Equal(1, (int)result["attempts"]!);
        Assert.Equal(harness.Clock.GetUtcNow(), (DateTimeOffset)result["created_at"]!);
        Assert.NotNull(result["started_at"]);
        Assert.NotNull(result["completed_at"]);
        Assert.Equal("running", (string?)(await harness.StateAsync("t2i"))!["status"]);
        var metrics = Assert.Single(harness.Metrics.Completed);
        Assert.Equal(("sdruntime", 1, true), (metrics.Runtime, metrics.Attempts, metrics.Succeeded));
    }

    [Fact]
    public async Task RedeliveryOfAFinishedTaskDoesNoNewGeneration()
    {
        var harness = new DispatcherHarness();
        var task = DispatcherHarness.Task("again", TaskType.TextToImage, """{"prompt":"a cat"}""");
        var first = await harness.EnqueueAndReceiveAsync(task);
        await harness.DispatchAsync(first);
        var resultBefore = (await harness.ResultAsync("again"))!.ToJsonString();

        var redelivered = await harness.EnqueueAndReceiveAsync(task);
        var response = await harness.DispatchAsync(redelivered);

        Assert.Empty(response.BatchItemFailures);
        Assert.Single(harness.SdWebUi.Generations);
        Assert.Equal(resultBefore, (await harness.ResultAsync("again"))!.ToJsonString());
    }

    [Fact]
    public async Task APoisonMessageIsReportedEveryTimeAndFailsOnlyItself()
    {
        var harness = new DispatcherHarness();
        await harness.Queue.SendAsync("this is not a task", TimeSpan.Zero, CancellationToken.None);
        var good = DispatcherHarness.Task("good", TaskType.TextToImage, """{"prompt":"x"}""");
        await harness.Queue.SendAsync(DispatcherHarness.MessageBody(good), TimeSpan.Zero, CancellationToken.None);
        var records = await harness.ReceiveAsync();
        var poison = records.Single(r => r.Body == "this is not a task");

        var response = await harness.DispatchAsync([.. records]);

        Assert.Equal([poison.MessageId], response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal("succeeded", (string?)(await harness.ResultAsync("good"))!["status"]);

        var again = await harness.ReceiveAsync();
        Assert.Equal([poison.MessageId], (await harness.DispatchAsync([.. again])).BatchItemFailures.Select(f => f.ItemIdentifier));
    }

    [Fact]
    public async Task AMessageWithTheWrongShapeIsPoisonToo()
    {
        var harness = new DispatcherHarness();
        var record = await harness.SendAndReceiveAsync("""{"id_task":"x"}""");

        var response = await harness.DispatchAsync(record);

        Assert.Single(response.BatchItemFailures);
        Assert.Empty(harness.SdWebUi.Requests);
    }

    [Fact]
    public async Task ATaskTooLargeForAMessageIsReadFromRequestJson()
    {
        var harness = new DispatcherHarness();
        var task = DispatcherHarness.Task("big", TaskType.TextToImage, """{"prompt":"x"}""");
        var createdAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var requestJson = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new TaskRecord { IdTask = "big", RequestHash = "h", OutputLocation = "s3://outputbucket/output/big", CreatedAt = createdAt, Enqueued = true, Task = task },
            Core.Json.CoreJsonContext.Default.TaskRecord);
        await harness.Store.TryCreateAsync(TaskKeys.Request("big"), requestJson, "application/json", CancellationToken.None);
        var record = await harness.SendAndReceiveAsync($$"""{"id_task":"big","task_key":"{{TaskKeys.Request("big")}}"}""");

        var response = await harness.DispatchAsync(record);

        Assert.Empty(response.BatchItemFailures);
        var result = (await harness.ResultAsync("big"))!;
        Assert.Equal("succeeded", (string?)result["status"]);
        Assert.Equal(createdAt, (DateTimeOffset)result["created_at"]!);
    }

    [Fact]
    public async Task AStorageOutageBeforeGenerationPutsTheMessageBack()
    {
        var harness = new DispatcherHarness();
        var record = await harness.EnqueueAndReceiveAsync(DispatcherHarness.Task("outage", TaskType.TextToImage, """{"prompt":"x"}"""));
        harness.Store.Unavailable = true;

        var response = await harness.DispatchAsync(record);

        Assert.Single(response.BatchItemFailures);
        Assert.Empty(harness.SdWebUi.Generations);
        harness.Store.Unavailable = false;
        Assert.Null(await harness.ResultAsync("outage"));
    }
}
