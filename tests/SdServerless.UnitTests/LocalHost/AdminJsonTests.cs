using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Pool;
using SdServerless.Core.Runtimes;
using SdServerless.Functions.Callback;
using SdServerless.Functions.Json;
using SdServerless.Functions.Pool;
using SdServerless.Local.Admin;
using SdServerless.Local.Queueing;

namespace SdServerless.UnitTests.LocalHost;

/// <summary>
/// The exact bodies of the local host's admin views, byte for byte: its page and people's scripts read them, so
/// property names, their order, explicit nulls, number and date formats and escaping may not drift.
/// </summary>
public sealed class AdminJsonTests : IAsyncLifetime
{
    private static readonly PoolServer ServerA = new() { Runtime = "sdruntime", Url = "http://127.0.0.1:7861", Gpus = 2 };
    private static readonly PoolServer ServerB = new() { Runtime = "sdruntime", Url = "http://127.0.0.1:7862" };
    private static readonly PoolServer ServerXl = new() { Runtime = "xl", Url = "http://127.0.0.1:7863", Gpus = 4 };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "admin-json-" + Guid.NewGuid().ToString("N"));
    private readonly List<FileTaskQueue> _queues = [];
    private WebApplication? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        foreach (var queue in _queues)
        {
            await queue.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task ThePoolViewListsEachRuntimesServersLoadsAndLeases()
    {
        var registry = new InProcessPoolRegistry([ServerA, ServerB, ServerXl], new PoolRules());
        var sdruntime = Queue("sdruntime", "tasks");
        var xl = Queue("xl", "tasks-xl");
        for (var i = 0; i < 3; i++)
        {
            await sdruntime.Queue.SendAsync("{}", TimeSpan.Zero, CancellationToken.None);
        }

        await registry.ObserveLoadedModelAsync("sdruntime", ServerA.Url, "v1-5-pruned-emaonly.safetensors", CancellationToken.None);
        Assert.NotNull(await registry.AcquireAsync(
            new LeaseRequest("sdruntime", "t1", "v1-5-pruned-emaonly.safetensors", TimeSpan.FromMinutes(5)), TimeSpan.Zero, CancellationToken.None));

        var body = await GetAsync(registry, [sdruntime, xl], DeadLetters(), AdminEndpoints.PoolRoute);

        Assert.Equal(
            """{"runtimes":[{"name":"sdruntime","queue_depth":3,"servers":[{"url":"http://127.0.0.1:7861","gpus":2,"loaded_model":"v1-5-pruned-emaonly.safetensors","leased_slots":1,"busy":true},{"url":"http://127.0.0.1:7862","gpus":1,"loaded_model":null,"leased_slots":0,"busy":false}]},{"name":"xl","queue_depth":0,"servers":[{"url":"http://127.0.0.1:7863","gpus":4,"loaded_model":null,"leased_slots":0,"busy":false}]}]}""",
            body);
    }

    [Fact]
    public async Task ThePoolViewOfAHostWithoutRuntimes() =>
        Assert.Equal("""{"runtimes":[]}""", await GetAsync(new InProcessPoolRegistry([], new PoolRules()), [], DeadLetters(), AdminEndpoints.PoolRoute));

    [Fact]
    public async Task TheCallbacksViewListsTheReadableDeadLettersWithRelaxedEscaping()
    {
        var deadLetters = DeadLetters();
        await SendAsync(deadLetters, new CallbackDeadLetter
        {
            WebhookId = "msg_1",
            Url = "https://hooks.example.com/a?x=1&y='2'",
            IdTask = "t1",
            Outcome = WebhookDeliveryOutcome.Rejected,
            Reason = "the receiver answered 400: <b>é</b> \"nope\"\n",
            StatusCode = 400,
            Attempts = 1,
            FailedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero),
        });
        await deadLetters.SendAsync("not json", TimeSpan.Zero, CancellationToken.None);
        await SendAsync(deadLetters, new CallbackDeadLetter
        {
            WebhookId = "msg_2",
            Url = "http://127.0.0.1:9/hook",
            Outcome = WebhookDeliveryOutcome.GaveUp,
            Reason = "connection refused",
            Attempts = 8,
            FailedAt = new DateTimeOffset(2026, 3, 4, 5, 7, 8, 123, TimeSpan.FromHours(2)),
        });

        var body = await GetAsync(new InProcessPoolRegistry([], new PoolRules()), [], deadLetters, AdminEndpoints.CallbacksRoute);

        Assert.Equal(
            """{"callbacks":[{"webhook_id":"msg_1","url":"https://hooks.example.com/a?x=1&y='2'","id_task":"t1","reason":"the receiver answered 400: <b>é</b> \"nope\"\n","status_code":400,"attempts":1,"failed_at":"2026-03-04T05:06:07.89+00:00"},{"webhook_id":"msg_2","url":"http://127.0.0.1:9/hook","id_task":null,"reason":"connection refused","status_code":null,"attempts":8,"failed_at":"2026-03-04T05:07:08.123+02:00"}]}""",
            body);
    }

    [Fact]
    public async Task AnEmptyCallbacksView() =>
        Assert.Equal("""{"callbacks":[]}""", await GetAsync(new InProcessPoolRegistry([], new PoolRules()), [], DeadLetters(), AdminEndpoints.CallbacksRoute));

    private RuntimeQueue Queue(string runtime, string directory) =>
        new(new RuntimeConfig { Name = runtime }, "sdserverless-" + directory, Open(directory));

    private FileTaskQueue DeadLetters() => Open("callbacks-dlq");

    private FileTaskQueue Open(string directory)
    {
        var queue = FileTaskQueue.Open(Path.Combine(_root, directory), new FileTaskQueueOptions { MaxReceiveCount = 0, FlushToDisk = false });
        _queues.Add(queue);
        return queue;
    }

    private static Task SendAsync(FileTaskQueue queue, CallbackDeadLetter letter) =>
        queue.SendAsync(JsonSerializer.Serialize(letter, FunctionsJsonContext.Default.CallbackDeadLetter), TimeSpan.Zero, CancellationToken.None);

    private async Task<string> GetAsync(InProcessPoolRegistry registry, IReadOnlyList<RuntimeQueue> queues, FileTaskQueue deadLetters, string route)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapAdmin(registry, queues, deadLetters, new SdServerlessOptions());
        await _app.StartAsync();

        using var client = _app.GetTestClient();
        using var response = await client.GetAsync(route);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadAsStringAsync();
    }
}
