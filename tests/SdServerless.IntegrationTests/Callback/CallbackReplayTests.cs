namespace SdServerless.IntegrationTests.Callback;

/// <summary>The replay of the callback dead-letter queue: fresh links, bounded runs, and what it does with stale letters.</summary>
[Trait("Category", "Integration")]
public class CallbackReplayTests : IDisposable
{
    private readonly CallbackHarness _harness = new();
    private readonly WebhookReceiver _receiver = WebhookReceiver.Start();

    [Fact]
    public async Task TheReplayRebuildsTheBodyFromTheResultWithImageLinksSignedAgainUnderTheSameWebhookId()
    {
        _harness.UrlSigner = new CountingSigner();
        await DeadLetterAsync("t-fresh");
        var refused = Assert.Single(_receiver.Received);

        _receiver.Reply(new WebhookReply(204));
        var report = await _harness.CreateReplayer().ReplayAsync(CancellationToken.None);

        Assert.Equal(new CallbackReplayReport(1, 0, 0, 0), report);
        var replayed = _receiver.Received[^1];
        Assert.Equal(refused.Id, replayed.Id);
        var before = JsonNode.Parse(refused.Body)!;
        var after = JsonNode.Parse(replayed.Body)!;
        Assert.EndsWith("?signing=1", before["images"]![0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("?signing=3", after["images"]![0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        before["images"]!.AsArray().ToList().ForEach(image => image!.AsObject().Remove("url"));
        after["images"]!.AsArray().ToList().ForEach(image => image!.AsObject().Remove("url"));
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task AReplayReadsAtMostTheEntriesItIsGivenAndReportsWhatIsLeft()
    {
        await DeadLetterAsync("t-1");
        await DeadLetterAsync("t-2");
        await DeadLetterAsync("t-3");
        _receiver.Reply(new WebhookReply(204), new WebhookReply(204), new WebhookReply(204));

        var first = await _harness.CreateReplayer().ReplayAsync(2, CancellationToken.None);
        var second = await _harness.CreateReplayer().ReplayAsync(2, CancellationToken.None);

        Assert.Equal(new CallbackReplayReport(2, 0, 0, 1), first);
        Assert.Equal(new CallbackReplayReport(1, 0, 0, 0), second);
        Assert.Equal(6, _receiver.Received.Count);
    }

    [Fact]
    public async Task AReceiverThatIsStillDownIsTriedForOneEntryPerRunAndEveryEntryStays()
    {
        var down = $"http://127.0.0.1:{LoopbackPort.Next()}/hook";
        await DeadLetterAsync("t-down-1", down);
        await DeadLetterAsync("t-down-2", down);
        var waitsBefore = _harness.Clock.Delays.Count;

        var report = await _harness.CreateReplayer().ReplayAsync(CancellationToken.None);

        Assert.Equal(new CallbackReplayReport(0, 2, 0, 2), report);
        Assert.Equal(_harness.CallbackOptions.MaxAttempts - 1, _harness.Clock.Delays.Count - waitsBefore);
    }

    [Fact]
    public async Task AResultReplacedSinceTheLetterIsNotSentUnderTheOldWebhookIdTheDeadLetteredBodyIs()
    {
        await DeadLetterAsync("t-rerun");
        var refused = Assert.Single(_receiver.Received);
        var rerun = CallbackHarness.Result("t-rerun", TaskStatus.Failed, _receiver.Url);
        await _harness.PutResultAsync(new TaskResult
        {
            IdTask = rerun.IdTask,
            Runtime = rerun.Runtime,
            Tasktype = rerun.Tasktype,
            Status = rerun.Status,
            Images = rerun.Images,
            Error = rerun.Error,
            CallbackUrl = rerun.CallbackUrl,
            CreatedAt = rerun.CreatedAt,
            CompletedAt = rerun.CompletedAt.AddMinutes(5),
            Attempts = 2,
        });

        _receiver.Reply(new WebhookReply(204));
        await _harness.CreateReplayer().ReplayAsync(CancellationToken.None);

        var replayed = _receiver.Received[^1];
        Assert.Equal(refused.Id, replayed.Id);
        Assert.Equal(refused.Body, replayed.Body);
    }

    [Fact]
    public async Task ALetterWhoseResultAndStoredBodyAreBothGoneIsDropped()
    {
        var letter = new CallbackDeadLetter
        {
            WebhookId = "msg_gone",
            Url = _receiver.Url,
            PayloadKey = TaskKeys.DeadLetterPayload("msg_gone"),
            ResultKey = TaskKeys.Result("output", "t-gone"),
            Outcome = WebhookDeliveryOutcome.GaveUp,
            Reason = "connection refused",
            FailedAt = DateTimeOffset.UnixEpoch,
        };
        await _harness.DeadLetters.SendAsync(
            System.Text.Json.JsonSerializer.Serialize(letter, Functions.Json.FunctionsJsonContext.Default.CallbackDeadLetter), TimeSpan.Zero, CancellationToken.None);

        var report = await _harness.CreateReplayer().ReplayAsync(CancellationToken.None);

        Assert.Equal(new CallbackReplayReport(0, 0, 1, 0), report);
        Assert.Empty(_receiver.Received);
    }

    public void Dispose()
    {
        _receiver.Dispose();
        _harness.Dispose();
    }

    /// <summary>A result whose callback the receiver refuses (400): dead-lettered at once.</summary>
    [Fact]
    public async Task AnS3EventTheCallbackFunctionFailedOnIsRunAgainByTheReplayAndLeavesItsQueue()
    {
        // What Lambda leaves in the function's dead-letter queue after its retries: the event it was invoked with.
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-event", TaskStatus.Succeeded, _receiver.Url));
        await _harness.EventDeadLetters.SendAsync(
            System.Text.Json.JsonSerializer.Serialize(s3Event, SdServerless.Functions.Json.FunctionsJsonContext.Default.S3Event), TimeSpan.Zero, default);
        await _harness.EventDeadLetters.SendAsync("not an event", TimeSpan.Zero, default);
        _receiver.Reply(new WebhookReply(204));

        var report = await _harness.CreateReplayer().ReplayAsync(CancellationToken.None);

        Assert.Equal(new CallbackReplayReport(0, 0, 0, 0, EventsRerun: 1, EventsFailed: 1), report);
        using var delivered = System.Text.Json.JsonDocument.Parse(Assert.Single(_receiver.Received).Body);
        Assert.Equal("t-event", delivered.RootElement.GetProperty("id_task").GetString());
        Assert.Equal(["not an event"], _harness.EventDeadLetters.Bodies);
    }

    private async Task DeadLetterAsync(string id, string? url = null)
    {
        _receiver.Reply(new WebhookReply(400));
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result(id, TaskStatus.Succeeded, url ?? _receiver.Url));
        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);
    }

    /// <summary>Links that say which signing made them, as presigned URLs differ from one signing to the next.</summary>
    private sealed class CountingSigner : IObjectUrlSigner
    {
        private int _signings;

        public Uri GetReadUrl(string key, TimeSpan lifetime) => new($"http://127.0.0.1:8080/objects/{key}?signing={Interlocked.Increment(ref _signings)}");
    }
}
