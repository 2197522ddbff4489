using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Api;

public class StatusTests
{
    [Fact]
    public async Task AnAcceptedTaskIsQueued()
    {
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        var answer = await host.GetStatusAsync("test-i2i");

        Assert.Equal(200, answer.StatusCode);
        var body = Body(answer);
        Assert.Equal("queued", body["status"]!.GetValue<string>());
        Assert.Equal("sdruntime", body["runtime"]!.GetValue<string>());
        Assert.Equal("s3://outputbucket/output/test-i2i", body["output_location"]!.GetValue<string>());
        Assert.Empty(body["images"]!.AsArray());
        Assert.Null(body["error"]);
        Assert.Equal(0, body["attempts"]!.GetValue<int>());
        Assert.True(body.ContainsKey("created_at") && body.ContainsKey("updated_at"));
    }

    [Fact]
    public async Task AnUnknownTaskIs404Problem()
    {
        var answer = await new ApiTestHost().GetStatusAsync("never-sent");

        Assert.Equal(404, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Headers!["Content-Type"]);
    }

    [Fact]
    public async Task ATraversingIdIsRejectedNotLookedUp()
    {
        var answer = await new ApiTestHost().GetStatusAsync("..%2F..%2Fetc");

        Assert.Equal(400, answer.StatusCode);
    }

    [Fact]
    public async Task TheDispatchersStateShowsARunningTask()
    {
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));
        await host.Store.PutJsonAsync(TaskKeys.State("test-i2i"),
            new TaskState { IdTask = "test-i2i", Status = TaskStatus.Running, Attempts = 2, UpdatedAt = DateTimeOffset.UtcNow },
            CoreJsonContext.Default.TaskState, CancellationToken.None);

        var body = Body(await host.GetStatusAsync("test-i2i"));

        Assert.Equal("running", body["status"]!.GetValue<string>());
        Assert.Equal(2, body["attempts"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"id_task\":\"test-i2i\",\"stat")]
    public async Task AStateCutShortByAPowerFailureReadsAsQueued(string content)
    {
        // The local store does not flush state.json to disk: after a power failure it may be empty or cut short.
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));
        await host.Store.PutAsync(TaskKeys.State("test-i2i"), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)), "application/json", CancellationToken.None);

        var answer = await host.GetStatusAsync("test-i2i");

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("queued", Body(answer)["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AFailedResultShowsItsErrorAndImages()
    {
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));
        await host.Store.PutJsonAsync(TaskKeys.Result("output", "test-i2i"), new TaskResult
        {
            IdTask = "test-i2i",
            Runtime = "sdruntime",
            Tasktype = TaskType.ImageToImage,
            Status = TaskStatus.Failed,
            Images = [],
            Error = new TaskError("input_unavailable", "the input image answered 404"),
            CreatedAt = DateTimeOffset.UtcNow,
            CompletedAt = DateTimeOffset.UtcNow,
            Attempts = 1,
        }, CoreJsonContext.Default.TaskResult, CancellationToken.None);

        var body = Body(await host.GetStatusAsync("test-i2i"));

        Assert.Equal("failed", body["status"]!.GetValue<string>());
        Assert.Equal("input_unavailable", body["error"]!["type"]!.GetValue<string>());
    }
}
