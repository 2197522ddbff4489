using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using SdServerless.Functions.Composition;
using SdServerless.Local.Queueing;
using SdServerless.Local.Storage;

namespace SdServerless.IntegrationTests.Callback;

/// <summary>
/// The local host's callback path from its real parts: the directory store's created events, the background
/// trigger, the callback handler, a file-backed callback dead-letter queue and the host's object and replay routes.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LocalCallbackPipelineTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("sdserverless-callback-").FullName;
    private readonly WebhookSecret _secret = WebhookSecret.Generate();
    private DirectoryObjectStore _store = null!;
    private FileTaskQueue _deadLetters = null!;
    private ServiceProvider _services = null!;
    private LocalCallbackTrigger _trigger = null!;
    private WebApplication _host = null!;
    private LoopbackHttpServer _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackHttpServer.StartAsync();
        _store = new DirectoryObjectStore(_data, "outputbucket");
        _deadLetters = FileTaskQueue.Open(Path.Combine(_data, "callback-dlq"), new FileTaskQueueOptions { MaxReceiveCount = 0 });
        var port = LoopbackPort.Next();
        var options = new SdServerlessOptions { AllowHttp = true, AllowPrivateNetwork = true, WebhookSecret = _secret.Reveal() };
        var callbackOptions = new CallbackOptions { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(10) };
        _services = CallbackHarness.BuildServices(_store, new LocalObjectUrlSigner(new Uri($"http://127.0.0.1:{port}")), new CallbackQueues(_deadLetters), options, callbackOptions);
        _trigger = new LocalCallbackTrigger(_store, _store, _services.GetRequiredService<CallbackHandler>(), defaultWebhookUrl: null, NullLogger<LocalCallbackTrigger>.Instance);
        await _trigger.StartAsync(CancellationToken.None);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        _host = builder.Build();
        _host.MapObjectDownloads(_store);
        _host.MapCallbackReplay(_services.GetRequiredService<CallbackReplayer>());
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _trigger.StopAsync(CancellationToken.None);
        _trigger.Dispose();
        await _host.DisposeAsync();
        _services.Dispose();
        await _deadLetters.DisposeAsync();
        await _receiver.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task ASucceededTaskIsCalledBackWithLinksTheHostServes()
    {
        await WriteTaskAsync("t-local", TaskStatus.Succeeded);

        var received = await WaitForRequestsAsync(1);

        var request = Assert.Single(received);
        Assert.Equal(
            WebhookVerification.Valid,
            new WebhookVerifier(_secret).Verify(request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], request.Body));
        using var body = JsonDocument.Parse(request.Body);
        Assert.True(body.RootElement.GetProperty("result").GetBoolean());
        Assert.Equal("[1,{\"a\":[2,3]},\"x\"]", body.RootElement.GetProperty("context").GetRawText());
        using var http = new HttpClient();
        var link = body.RootElement.GetProperty("images")[0].GetProperty("url").GetString()!;
        using var image = await http.GetAsync(link);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("png-of-t-local", await image.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFailedTaskIsCalledBackWithResultFalse()
    {
        await WriteTaskAsync("t-local-failed", TaskStatus.Failed);

        using var body = JsonDocument.Parse(Assert.Single(await WaitForRequestsAsync(1)).Body);

        Assert.False(body.RootElement.GetProperty("result").GetBoolean());
        Assert.Equal("sdwebui_rejected", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnUndeliveredCallbackWaitsInTheFileDeadLetterQueueUntilTheReplayRoute()
    {
        _receiver.AnswerWith(StatusCodes.Status500InternalServerError);
        await WriteTaskAsync("t-local-dlq", TaskStatus.Succeeded);
        await WaitForRequestsAsync(2);
        await WaitUntilAsync(async () => await _deadLetters.GetApproximateDepthAsync(CancellationToken.None) == 1);
        _receiver.AnswerWith(StatusCodes.Status200OK);

        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(new Uri(_host.Urls.First()), CallbackReplayEndpoints.Route), null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"delivered\":1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var all = await WaitForRequestsAsync(3);
        Assert.Single(all.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal(0, await _deadLetters.GetApproximateDepthAsync(CancellationToken.None));
    }

    private async Task WriteTaskAsync(string id, TaskStatus status)
    {
        var imageKey = TaskKeys.Output("output", id, 1, "png");
        await CallbackHarness.WriteImageAsync(_store, imageKey, "png-of-" + id);
        var result = CallbackHarness.Finished(
            id,
            status,
            _receiver.Url("/hook").AbsoluteUri,
            imageKey: status == TaskStatus.Succeeded ? imageKey : null,
            context: JsonNode.Parse("[1,{\"a\":[2,3]},\"x\"]"),
            error: status == TaskStatus.Failed ? new TaskError("sdwebui_rejected", "422 from SD Web UI") : null);
        await CallbackHarness.WriteResultAsync(_store, TaskKeys.Result("output", id), result);
    }

    private async Task<List<RecordedRequest>> WaitForRequestsAsync(int count)
    {
        await WaitUntilAsync(() => Task.FromResult(_receiver.Requests.Count >= count));
        return [.. _receiver.Requests];
    }

    /// <summary>Polls until the condition holds; fails the test (instead of going on) when it never does in 30 s.</summary>
    private static Task WaitUntilAsync(Func<Task<bool>> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        Eventually.TrueAsync(condition, TimeSpan.FromSeconds(30), what);
}
