using SdServerless.Functions.Composition;
using SdServerless.Functions.Json;
using SdServerless.IntegrationTests.Callback;
using SdServerless.Local.Queueing;
using SdServerless.Local.Storage;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>
/// The callback function with the local host's real store and dead-letter queue, posting to a slow receiver on loopback
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
    private ServiceProvider _services = null!;
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
        _services = CallbackHarness.BuildServices(
            new DirectoryObjectStore(_data, "outputbucket"),
            new LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080")),
            new CallbackQueues(_deadLetters),
            new SdServerlessOptions { AllowHttp = true, AllowPrivateNetwork = true, WebhookSecret = WebhookSecret.Generate().Reveal() },
            _callbackOptions);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
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
        var report = await _services.GetRequiredService<CallbackReplayer>().ReplayAsync(CancellationToken.None);

        Assert.Equal(1, report.Delivered);
        Assert.Equal(0, await _deadLetters.GetApproximateDepthAsync(CancellationToken.None));
        var requests = _receiver.Requests.ToList();
        Assert.InRange(requests.Count, 2, 5);
        Assert.Single(requests.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal("too-slow", JsonNode.Parse(requests[^1].Body)!["id_task"]!.GetValue<string>());
    }

    private async Task HandleResultAsync(string id)
    {
        var key = TaskKeys.Result("output", id);
        await CallbackHarness.WriteResultAsync(
            _services.GetRequiredService<IObjectStore>(), key, CallbackHarness.Finished(id, TaskStatus.Succeeded, _receiver.Url("/hook").ToString()));

        await _services.GetRequiredService<CallbackHandler>().HandleAsync(
            LocalS3Events.FromObjectCreated(new ObjectCreated("outputbucket", key, 1, "etag", DateTimeOffset.UtcNow)), CancellationToken.None);
    }
}
