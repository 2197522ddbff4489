using SdServerless.Core.Net;
using SdServerless.Functions.Json;
using SdServerless.Local.Queueing;
using SdServerless.Local.Storage;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>
/// The callback handler with the local host's real store and dead-letter queue, posting to a slow receiver on loopback
/// (short attempt timeouts keep the test fast): retried, then delivered or dead-lettered with a clear reason and replayed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SlowReceiverTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("sdserverless-slow-").FullName;
    private readonly CallbackOptions _callbackOptions = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(1),
        MaxAttempts = 4,
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    private LoopbackHttpServer _receiver = null!;
    private FileTaskQueue _deadLetters = null!;
    private int _slowAnswers;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackHttpServer.StartAsync();
        _receiver.Handler = async (_, context) =>
        {
            if (Interlocked.Decrement(ref _slowAnswers) >= 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            }

            context.Response.StatusCode = 200;
        };
        _deadLetters = FileTaskQueue.Open(Path.Combine(_data, "queues", "callback-dlq"));
    }

    public async Task DisposeAsync()
    {
        await _deadLetters.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task ASlowReceiverIsRetriedWithTheSameWebhookIdUntilItAnswersInTime()
    {
        _slowAnswers = 2;

        await HandleResultAsync("slow");

        // Delivered (nothing dead-lettered) after the two slow answers; on a loaded machine an attempt may time out
        // before the receiver has even recorded it, hence a range.
        Assert.Equal(0, await _deadLetters.GetApproximateDepthAsync(CancellationToken.None));
        var requests = _receiver.Requests.ToList();
        Assert.InRange(requests.Count, 3, 4);
        Assert.Single(requests.Select(r => r.Headers["webhook-id"]).Distinct());
    }

    [Fact]
    public async Task AReceiverTooSlowForEveryAttemptLeavesADeadLetterWithAClearReasonThatTheReplayDelivers()
    {
        _slowAnswers = int.MaxValue;

        await HandleResultAsync("too-slow");

        var entry = Assert.Single(await _deadLetters.ReceiveAsync(10, TimeSpan.Zero, TimeSpan.Zero, CancellationToken.None));
        var deadLetter = JsonSerializer.Deserialize(entry.Body, FunctionsJsonContext.Default.CallbackDeadLetter)!;
        Assert.Equal("too-slow", deadLetter.IdTask);
        Assert.Equal(4, deadLetter.Attempts);
        Assert.Contains("no answer within 1 s", deadLetter.Reason, StringComparison.Ordinal);
        Assert.Equal("too-slow", deadLetter.Payload!.Value.GetProperty("id_task").GetString());

        _slowAnswers = 0;
        var report = await CreateReplayer().ReplayAsync(CancellationToken.None);

        Assert.Equal(1, report.Delivered);
        Assert.Equal(0, await _deadLetters.GetApproximateDepthAsync(CancellationToken.None));
        var requests = _receiver.Requests.ToList();
        Assert.InRange(requests.Count, 2, 5);
        Assert.Single(requests.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal("too-slow", JsonNode.Parse(requests[^1].Body)!["id_task"]!.GetValue<string>());
    }

    private DirectoryObjectStore Store() => new(_data, "outputbucket");

    private async Task HandleResultAsync(string id)
    {
        var store = Store();
        var options = new SdServerlessOptions { AllowHttp = true, AllowPrivateNetwork = true };
        var result = new TaskResult
        {
            IdTask = id,
            Runtime = "sdruntime",
            Tasktype = TaskType.TextToImage,
            Status = TaskStatus.Succeeded,
            Images = [],
            CallbackUrl = _receiver.Url("/hook").ToString(),
            CreatedAt = DateTimeOffset.UtcNow,
            CompletedAt = DateTimeOffset.UtcNow,
            Attempts = 1,
        };
        var key = TaskKeys.Result("output", id);
        await store.PutAsync(key, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(result, CoreJsonContext.Default.TaskResult)), "application/json", CancellationToken.None);
        var handler = new CallbackHandler(store, new LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080")), CreateDelivery(),
            new CallbackDeadLetterWriter(_deadLetters, store, _callbackOptions, TimeProvider.System), options, _callbackOptions, NullLogger<CallbackHandler>.Instance);

        await handler.HandleAsync(LocalS3Events.FromObjectCreated(new Core.Storage.ObjectCreated("outputbucket", key, 1, "etag", DateTimeOffset.UtcNow)), CancellationToken.None);
    }

    private CallbackReplayer CreateReplayer() => new(
        _deadLetters,
        new CallbackBodyRebuilder(Store(), new LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080")), _callbackOptions),
        CreateDelivery(),
        Store(),
        NullLogger<CallbackReplayer>.Instance);

    private WebhookDelivery CreateDelivery() => new(
        GuardedHttpHandler.CreateClient(_ => true),
        new WebhookSigner(WebhookSecret.Generate()),
        new SdServerlessOptions { AllowHttp = true, AllowPrivateNetwork = true },
        _callbackOptions,
        TimeProvider.System,
        NullLogger<WebhookDelivery>.Instance);
}
