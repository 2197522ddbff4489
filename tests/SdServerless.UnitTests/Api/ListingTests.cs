using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Api;

public class ListingTests
{
    private const string Body = """{"task":{"metadata":{"id":"ID","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"p"}}}""";

    [Fact]
    public async Task PagesReturnEveryTaskOnceNewestFirst()
    {
        var host = new ApiTestHost();
        var ids = Enumerable.Range(0, 45).Select(i => $"task-{i:D3}").ToList();
        foreach (var id in ids)
        {
            Assert.Equal(200, (await host.PostAsync("/v1alpha2", Body.Replace("ID", id, StringComparison.Ordinal))).StatusCode);
        }

        var seen = new List<(string Id, DateTimeOffset CreatedAt)>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var answer = await host.CallAsync("GET", "/v1alpha2/tasks?limit=20" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            Assert.Equal(200, answer.StatusCode);
            var body = Body(answer);
            var tasks = body["tasks"]!.AsArray();
            Assert.True(tasks.Count <= 20);
            seen.AddRange(tasks.Select(t => (t!["id_task"]!.GetValue<string>(), t["created_at"]!.GetValue<DateTimeOffset>())));
            cursor = body["next_cursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(), seen.Select(s => s.Id).Order());
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt), "not newest first");
    }

    [Fact]
    public async Task TheStatusFilterKeepsOnlyThatStatus()
    {
        var host = new ApiTestHost();
        foreach (var id in new[] { "a", "b", "c" })
        {
            await host.PostAsync("/v1alpha2", Body.Replace("ID", id, StringComparison.Ordinal));
        }

        await host.Store.PutJsonAsync(TaskKeys.State("b"),
            new TaskState { IdTask = "b", Status = TaskStatus.Running, Attempts = 1, UpdatedAt = DateTimeOffset.UtcNow, Progress = 0.5 },
            CoreJsonContext.Default.TaskState, CancellationToken.None);

        var running = Body(await host.CallAsync("GET", "/v1alpha2/tasks?status=running"));
        var queued = Body(await host.CallAsync("GET", "/v1alpha2/tasks?status=queued"));

        var only = Assert.Single(running["tasks"]!.AsArray());
        Assert.Equal("b", only!["id_task"]!.GetValue<string>());
        Assert.Equal(0.5, only["progress"]!.GetValue<double>());
        Assert.Equal(["a", "c"], queued["tasks"]!.AsArray().Select(t => t!["id_task"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task AnIdWhoseEnqueueFailedIsNotListed()
    {
        var host = new ApiTestHost();
        host.Queue.Unavailable = true;
        Assert.Equal(503, (await host.PostAsync("/v1alpha2", Body.Replace("ID", "lost", StringComparison.Ordinal))).StatusCode);

        var body = Body(await host.CallAsync("GET", "/v1alpha2/tasks"));

        Assert.Empty(body["tasks"]!.AsArray());
        Assert.Null(body["next_cursor"]);
    }

    [Theory]
    [InlineData("status=done")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=ten")]
    [InlineData("cursor=bm90LWEtY3Vyc29y")]
    public async Task BadParametersAre400Problems(string query)
    {
        var answer = await new ApiTestHost().CallAsync("GET", "/v1alpha2/tasks?" + query);

        Assert.Equal(400, answer.StatusCode);
        Assert.Equal(query.Split('=')[0], Assert.Single(ErrorFields(answer)));
    }
}
