using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Api;

public class CancelTests
{
    [Theory]
    [InlineData("POST", "/v1alpha2/tasks/test-i2i/cancel")]
    [InlineData("DELETE", "/v1alpha2/tasks/test-i2i")]
    public async Task CancellingAQueuedTaskLeavesTheMarkerAndAnswers202Cancelling(string method, string path)
    {
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        var answer = await host.CallAsync(method, path);

        Assert.Equal(202, answer.StatusCode);
        Assert.Equal("""{"id_task":"test-i2i","status":"cancelling"}""", answer.Body);
        var marker = await host.Store.GetJsonAsync(TaskKeys.Cancel("test-i2i"), CoreJsonContext.Default.CancelRequest, CancellationToken.None);
        Assert.Equal("test-i2i", marker!.IdTask);
    }

    [Fact]
    public async Task CancellingTwiceGivesTheSameAnswer()
    {
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));

        var first = await host.CallAsync("POST", "/v1alpha2/tasks/test-i2i/cancel");
        var second = await host.CallAsync("DELETE", "/v1alpha2/tasks/test-i2i");

        Assert.Equal((first.StatusCode, first.Body), (second.StatusCode, second.Body));
    }

    [Theory]
    [InlineData(TaskStatus.Succeeded, "succeeded")]
    [InlineData(TaskStatus.Failed, "failed")]
    public async Task CancellingAFinishedTaskIs409WithItsFinalStatus(TaskStatus status, string name)
    {
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));
        await WriteResultAsync(host, status);

        var answer = await host.CallAsync("POST", "/v1alpha2/tasks/test-i2i/cancel");

        Assert.Equal(409, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Headers!["Content-Type"]);
        Assert.Equal(name, Body(answer)["task_status"]!.GetValue<string>());
        Assert.Null(await host.Store.GetAsync(TaskKeys.Cancel("test-i2i"), CancellationToken.None));
    }

    [Fact]
    public async Task CancellingACancelledTaskAnswersCancelled()
    {
        var host = new ApiTestHost();
        await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"));
        await WriteResultAsync(host, TaskStatus.Cancelled);

        var answer = await host.CallAsync("DELETE", "/v1alpha2/tasks/test-i2i");

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("""{"id_task":"test-i2i","status":"cancelled"}""", answer.Body);
    }

    [Fact]
    public async Task CancellingAnUnknownTaskIs404AndABadIdIs400()
    {
        var host = new ApiTestHost();

        Assert.Equal(404, (await host.CallAsync("POST", "/v1alpha2/tasks/nobody/cancel")).StatusCode);
        Assert.Equal(400, (await host.CallAsync("DELETE", "/v1alpha2/tasks/a%20b")).StatusCode);
        Assert.Equal(405, (await host.CallAsync("GET", "/v1alpha2/tasks/nobody/cancel")).StatusCode);
    }

    [Fact]
    public async Task CancelNeedsTheApiKeyLikeSubmit()
    {
        var host = new ApiTestHost(new Core.Configuration.SdServerlessOptions { ApiKey = "k" });

        var answer = await host.CallAsync("POST", "/v1alpha2/tasks/test-i2i/cancel");

        Assert.Equal(401, answer.StatusCode);
    }

    private static async Task WriteResultAsync(ApiTestHost host, TaskStatus status)
    {
        var now = DateTimeOffset.UtcNow;
        await host.Store.PutJsonAsync(TaskKeys.Result("output", "test-i2i"), new TaskResult
        {
            IdTask = "test-i2i", Runtime = "sdruntime", Tasktype = TaskType.ImageToImage, Status = status, Images = [],
            Error = status == TaskStatus.Succeeded ? null : new TaskError("x", "y"), CreatedAt = now, CompletedAt = now, Attempts = 1,
        }, CoreJsonContext.Default.TaskResult, CancellationToken.None);
    }
}
