using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Api;

public class SubmitTests
{
    [Theory]
    [InlineData("/v1alpha2", "request-v1alpha2.jsonc", "response-v1alpha2.json")]
    [InlineData("/v1alpha1", "request-v1alpha1.jsonc", "response-v1alpha1.json")]
    [InlineData("/v1alpha2/", "request-v1alpha2.jsonc", "response-v1alpha2.json")]
    [InlineData("/v1alpha1/", "request-v1alpha1.jsonc", "response-v1alpha1.json")]
    public async Task SeedExampleSentAsWrittenIsAcceptedWithTheSeedResponseShape(string path, string request, string response)
    {
        var host = new ApiTestHost();

        var answer = await host.PostAsync(path, Seed(request));

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("application/json", answer.Headers!["Content-Type"]);
        var body = Body(answer);
        var seed = JsonNode.Parse(Seed(response))!.AsObject();
        foreach (var (key, value) in seed)
        {
            // The documented example's response says test-t2i for a test-i2i request: a typo in that example.
            var expected = key == "output_location" ? "s3://outputbucket/output/test-i2i" : value!.GetValue<string>();
            Assert.Equal(expected, body[key]!.GetValue<string>());
        }

        Assert.Single(host.Queue.Bodies);
    }

    [Fact]
    public async Task HttpApiEventOfTheSeedV1alpha1ExampleIsAccepted()
    {
        var host = new ApiTestHost();
        var request = LoadEvent("apigw-httpapi-post.json", Functions.Json.FunctionsJsonContext.Default.ApiGatewayHttpApiRequest);
        request.Body = Seed("request-v1alpha1.jsonc");

        var answer = await host.Handler.HandleHttpApiAsync(request, CancellationToken.None);

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("v1-5-pruned-emaonly.safetensors", Body(answer)["sd_model_checkpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheQueuedMessageCarriesTheCanonicalTask()
    {
        var host = new ApiTestHost();

        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        var message = System.Text.Json.JsonSerializer.Deserialize(host.Queue.Bodies[0], Core.Json.CoreJsonContext.Default.TaskMessage)!;
        Assert.Equal("test-i2i", message.IdTask);
        Assert.Equal("sdruntime", message.Task!.Runtime);
        Assert.EndsWith("cat.png", message.Task.ImageLink, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendingTheSameRequestAgainReplaysTheSameResponseAndQueuesNothingNew()
    {
        var host = new ApiTestHost();

        var first = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));
        var second = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc").Replace("\n", "\r\n  ", StringComparison.Ordinal));

        Assert.Equal(200, second.StatusCode);
        Assert.Equal(first.Body, second.Body);
        Assert.Single(host.Queue.Bodies);
    }

    [Fact]
    public async Task TheSameIdWithADifferentRequestIsAConflict()
    {
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        var answer = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc").Replace("\"steps\": 16", "\"steps\": 17", StringComparison.Ordinal));

        Assert.Equal(409, answer.StatusCode);
        Assert.Equal(ApiResults.ProblemContentType, answer.Headers!["Content-Type"]);
        Assert.Contains("task.metadata.id", ErrorFields(answer));
        Assert.Single(host.Queue.Bodies);
    }

    [Fact]
    public async Task AFailedEnqueueAnswers503AndTheSameRequestSucceedsOnceTheQueueIsBack()
    {
        var host = new ApiTestHost();
        host.Queue.Unavailable = true;

        var refused = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));
        Assert.Equal(503, refused.StatusCode);
        Assert.Equal(404, (await host.GetStatusAsync("test-i2i")).StatusCode);

        host.Queue.Unavailable = false;
        var accepted = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        Assert.Equal(200, accepted.StatusCode);
        Assert.Single(host.Queue.Bodies);
        Assert.Equal("queued", Body(await host.GetStatusAsync("test-i2i"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnIdWhoseEnqueueFailedCanBeTakenByADifferentRequest()
    {
        var host = new ApiTestHost();
        host.Queue.Unavailable = true;
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));
        host.Queue.Unavailable = false;

        var answer = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc").Replace("\"steps\": 16", "\"steps\": 17", StringComparison.Ordinal));

        Assert.Equal(200, answer.StatusCode);
    }

    [Fact]
    public async Task AnUnreachableStoreAnswers503()
    {
        var host = new ApiTestHost();
        host.Store.Unavailable = true;

        var answer = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        Assert.Equal(503, answer.StatusCode);
        Assert.True(answer.Headers!.ContainsKey("Retry-After"));
        Assert.Empty(host.Queue.Bodies);
    }

    [Fact]
    public async Task AQueueDeeperThanItsLimitAnswers429WithRetryAfterAndKeepsNoRecord()
    {
        var host = new ApiTestHost(new Core.Configuration.SdServerlessOptions { QueueDepthLimit = 1 });
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        var answer = await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc").Replace("test-i2i", "second", StringComparison.Ordinal));

        Assert.Equal(429, answer.StatusCode);
        Assert.Equal("5", answer.Headers!["Retry-After"]);
        Assert.Equal(404, (await host.GetStatusAsync("second")).StatusCode);
    }

    [Fact]
    public async Task LargeInlineTasksTravelAsAKeyToTheirRecord()
    {
        var host = new ApiTestHost();
        var bigImage = Convert.ToBase64String(new byte[300 * 1024]);
        var body = "{\"task\":{\"metadata\":{\"id\":\"big\",\"runtime\":\"sdruntime\",\"tasktype\":\"image-to-image\"},"
            + "\"content\":{\"prompt\":\"p\",\"init_images\":[\"data:image/png;base64," + bigImage + "\"]}}}";

        var answer = await host.PostAsync("/v1alpha2", body);

        Assert.Equal(200, answer.StatusCode);
        var message = System.Text.Json.JsonSerializer.Deserialize(host.Queue.Bodies[0], Core.Json.CoreJsonContext.Default.TaskMessage)!;
        Assert.Null(message.Task);
        Assert.Equal("_sdserverless/tasks/big/request.json", message.TaskKey);
        Assert.True(host.Queue.Bodies[0].Length < TaskMessage.MaxInlineBytes);
    }

    [Fact]
    public async Task AnAcceptedTaskIsNotReadBackBetweenItsRecordAndItsMessage()
    {
        // Every read fails: a submission that read its record back before sending would answer "unavailable".
        var store = new FlakyObjectStore(new InMemoryObjectStore()) { FailingReads = int.MaxValue };
        var queue = new InMemoryTaskQueue();
        var submission = new TaskSubmission(store, TaskQueues.Single(queue), new SdServerlessOptions(), TimeProvider.System, NullLogger<TaskSubmission>.Instance);

        var outcome = await submission.SubmitAsync(TestTasks.Create("no-read-back", TaskType.TextToImage, "{\"prompt\":\"p\"}"), "hash", default);

        Assert.Equal(SubmissionResult.Accepted, outcome.Result);
        Assert.Equal(0, store.Injected);
        Assert.Single(queue.Bodies);
        Assert.True(outcome.Record!.Enqueued);
    }
}
