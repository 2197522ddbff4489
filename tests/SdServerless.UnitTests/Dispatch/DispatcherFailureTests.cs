namespace SdServerless.UnitTests.Dispatch;

public sealed class DispatcherFailureTests
{
    private static readonly SdTask TextTask = DispatcherHarness.Task("fault", TaskType.TextToImage, """{"prompt":"a cat","steps":20}""");

    [Fact]
    public async Task AnUnavailablePoolPutsTheMessageBackAndTheNextAttemptSucceeds()
    {
        var harness = new DispatcherHarness();
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var first = await harness.EnqueueAndReceiveAsync(TextTask);

        var response = await harness.DispatchAsync(first);

        Assert.Equal([first.MessageId], response.BatchItemFailures.Select(f => f.ItemIdentifier));
        var state = (await harness.StateAsync("fault"))!;
        Assert.Equal("queued", (string?)state["status"]);
        Assert.Equal("pool_unavailable", (string?)state["last_error"]!["type"]);
        Assert.Null(await harness.ResultAsync("fault"));
        Assert.Empty(await harness.ReceiveAsync());

        harness.Clock.Advance(harness.Settings.BackoffBase);
        var second = (await harness.ReceiveAsync()).Single();
        Assert.Empty((await harness.DispatchAsync(second)).BatchItemFailures);

        var result = (await harness.ResultAsync("fault"))!;
        Assert.Equal("succeeded", (string?)result["status"]);
        Assert.Equal(2, (int)result["attempts"]!);
    }

    [Fact]
    public async Task APoolThatStaysDownFailsTheTaskAtTheAttemptLimit()
    {
        var harness = new DispatcherHarness(maxAttempts: 3);
        for (var i = 0; i < 3; i++)
        {
            harness.SdWebUi.ScriptedAnswers.Enqueue(() => new HttpResponseMessage(HttpStatusCode.BadGateway));
        }

        var record = await harness.EnqueueAndReceiveAsync(TextTask);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var response = await harness.DispatchAsync(record);
            Assert.Equal(attempt < 3 ? 1 : 0, response.BatchItemFailures.Count);
            harness.Clock.Advance(harness.Settings.BackoffCap);
            record = (await harness.ReceiveAsync()).SingleOrDefault()!;
        }

        Assert.Null(record);
        Assert.Equal(3, harness.SdWebUi.Generations.Count());
        var result = (await harness.ResultAsync("fault"))!;
        Assert.Equal("failed", (string?)result["status"]);
        Assert.Equal("pool_unavailable", (string?)result["error"]!["type"]);
        Assert.Contains("gave up after 3 attempts", (string?)result["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(3, (int)result["attempts"]!);
        Assert.Empty(result["images"]!.AsArray());
        Assert.Equal((3, false), Assert.Single(harness.Metrics.Completed) is var m ? (m.Attempts, m.Succeeded) : default);
    }

    [Fact]
    public async Task ARejectedRequestFailsAtOnceWithSdWebUisMessage()
    {
        var harness = new DispatcherHarness();
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => FakeSdWebUi.Json(
            HttpStatusCode.UnprocessableEntity,
            """{"detail":[{"loc":["body","steps"],"msg":"value is not a valid integer","type":"type_error.integer"}]}"""));
        var record = await harness.EnqueueAndReceiveAsync(TextTask);

        var response = await harness.DispatchAsync(record);

        Assert.Empty(response.BatchItemFailures);
        var result = (await harness.ResultAsync("fault"))!;
        Assert.Equal("failed", (string?)result["status"]);
        Assert.Equal("sdwebui_rejected", (string?)result["error"]!["type"]);
        Assert.Contains("steps: value is not a valid integer", (string?)result["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(1, (int)result["attempts"]!);
    }

    [Fact]
    public async Task AnInvalidEncodedImageErrorIsPermanent()
    {
        var harness = new DispatcherHarness();
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => FakeSdWebUi.Json(
            HttpStatusCode.InternalServerError, """{"error":"HTTPException","detail":"","body":"","errors":"Invalid encoded image"}"""));
        var record = await harness.EnqueueAndReceiveAsync(TextTask);

        Assert.Empty((await harness.DispatchAsync(record)).BatchItemFailures);

        var error = (await harness.ResultAsync("fault"))!["error"]!;
        Assert.Equal("sdwebui_error", (string?)error["type"]);
        Assert.Contains("Invalid encoded image", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownModelFailsWithAClearErrorAndNothingIsGenerated()
    {
        var harness = new DispatcherHarness();
        var task = DispatcherHarness.Task("nomodel", TaskType.TextToImage, """{"prompt":"x"}""", model: "sdxl-turbo.safetensors");
        var record = await harness.EnqueueAndReceiveAsync(task);

        Assert.Empty((await harness.DispatchAsync(record)).BatchItemFailures);

        var error = (await harness.ResultAsync("nomodel"))!["error"]!;
        Assert.Equal("unknown_model", (string?)error["type"]);
        Assert.Contains("sdxl-turbo.safetensors", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains(FakeSdWebUi.Model, (string?)error["message"], StringComparison.Ordinal);
        Assert.Empty(harness.SdWebUi.Generations);
    }

    [Theory]
    [InlineData("v1-5-pruned-emaonly.safetensors")]
    [InlineData("v1-5-pruned-emaonly")]
    [InlineData(FakeSdWebUi.Model)]
    public async Task AServedModelIsSentInOverrideSettingsUnderTheServersTitle(string model)
    {
        var harness = new DispatcherHarness();
        var task = DispatcherHarness.Task("model", TaskType.TextToImage, """{"prompt":"x","override_settings":{"CLIP_stop_at_last_layers":2}}""", model: model);
        var record = await harness.EnqueueAndReceiveAsync(task);

        await harness.DispatchAsync(record);

        var sent = harness.SdWebUi.Generations.Single();
        Assert.Equal(FakeSdWebUi.Model, (string?)sent["override_settings"]!["sd_model_checkpoint"]);
        Assert.Equal(2, (int)sent["override_settings"]!["CLIP_stop_at_last_layers"]!);
        Assert.Equal("succeeded", (string?)(await harness.ResultAsync("model"))!["status"]);
    }

    [Fact]
    public async Task AMissingInputFailsTheTaskBeforeSdWebUiIsAsked()
    {
        var harness = new DispatcherHarness();
        var task = DispatcherHarness.Task("noinput", TaskType.ImageToImage, """{"prompt":"x"}""", model: FakeSdWebUi.Model, imageLink: "https://images.example.com/missing.png");
        var record = await harness.EnqueueAndReceiveAsync(task);

        Assert.Empty((await harness.DispatchAsync(record)).BatchItemFailures);

        Assert.Equal("input_unavailable", (string?)(await harness.ResultAsync("noinput"))!["error"]!["type"]);
        Assert.Empty(harness.SdWebUi.Requests);
    }

    [Fact]
    public async Task AnUnconfiguredRuntimeFailsTheTask()
    {
        var harness = new DispatcherHarness();
        var task = DispatcherHarness.Task("gone", TaskType.TextToImage, """{"prompt":"x"}""");
        var record = await harness.EnqueueAndReceiveAsync(new SdTask
        {
            ApiVersion = task.ApiVersion, Id = task.Id, Runtime = "removed", TaskType = task.TaskType, Prefix = task.Prefix, Content = task.Content,
        });

        Assert.Empty((await harness.DispatchAsync(record)).BatchItemFailures);
        Assert.Equal("unknown_runtime", (string?)(await harness.ResultAsync("gone"))!["error"]!["type"]);
    }
}
