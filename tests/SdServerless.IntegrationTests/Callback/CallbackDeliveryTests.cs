namespace SdServerless.IntegrationTests.Callback;

[Trait("Category", "Integration")]
public class CallbackDeliveryTests : IDisposable
{
    private readonly CallbackHarness _harness = new();
    private readonly WebhookReceiver _receiver = WebhookReceiver.Start();

    [Fact]
    public async Task TwoServerErrorsThenSuccessDeliverOnceAndEveryAttemptCarriesTheSameWebhookId()
    {
        _receiver.Reply(new WebhookReply(500), new WebhookReply(500), new WebhookReply(200));
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-retry", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Equal(3, _receiver.Received.Count);
        Assert.Single(_receiver.Received.Select(r => r.Id).Distinct());
        Assert.All(_receiver.Received, r =>
            Assert.Equal(WebhookVerification.Valid, _harness.CreateVerifier().Verify(r.Id, r.Timestamp, r.Signature, r.Body)));
        Assert.Empty(_harness.DeadLetters.Bodies);
        Assert.Equal(2, _harness.Clock.Delays.Count);
        Assert.True(_harness.Clock.Delays[1] > _harness.Clock.Delays[0] / 2, "backoff grows");
    }

    [Fact]
    public async Task ADuplicateS3EventCarriesTheSameWebhookIdAndAnotherResultAnotherOne()
    {
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-dup", TaskStatus.Succeeded, _receiver.Url));
        var handler = _harness.CreateHandler();

        await handler.HandleAsync(s3Event, CancellationToken.None);
        await handler.HandleAsync(s3Event, CancellationToken.None);
        var other = await _harness.PutResultAsync(CallbackHarness.Result("t-dup2", TaskStatus.Succeeded, _receiver.Url));
        await handler.HandleAsync(other, CancellationToken.None);

        var ids = _receiver.Received.Select(r => r.Id).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[0], ids[2]);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("3600", 60)]
    public async Task RetryAfterInSecondsIsHonouredUpToTheCap(string retryAfter, int expectedSeconds)
    {
        _receiver.Reply(new WebhookReply(429, retryAfter), new WebhookReply(200));
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-429", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Equal(2, _receiver.Received.Count);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Assert.Single(_harness.Clock.Delays));
    }

    [Fact]
    public async Task RetryAfterAsAnHttpDateIsHonoured()
    {
        var at = _harness.Clock.GetUtcNow().AddSeconds(20);
        _receiver.Reply(new WebhookReply(503, at.ToString("r", CultureInfo.InvariantCulture)), new WebhookReply(200));
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-503", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Equal(2, _receiver.Received.Count);
        var delay = Assert.Single(_harness.Clock.Delays);
        Assert.InRange(delay, TimeSpan.FromSeconds(19), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ARetryThatWouldEndAfterTheDeliveryBudgetIsNotWaitedFor()
    {
        _harness.CallbackOptions.MaxDeliveryTime = TimeSpan.FromSeconds(30);
        _harness.CallbackOptions.MaxAttempts = 10;
        _receiver.Reply(new WebhookReply(503, "20"), new WebhookReply(503, "20"), new WebhookReply(200));
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-budget", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Equal(2, _receiver.Received.Count);
        var letter = Assert.Single(_harness.DeadLetterEntries());
        Assert.Equal(WebhookDeliveryOutcome.GaveUp, letter.Outcome);
        Assert.Contains("no time left", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheInvocationDeadlineEndsRetriesAndStillWritesTheDeadLetter()
    {
        _harness.CallbackOptions.MaxAttempts = 1000;
        _harness.CallbackOptions.MaxDeliveryTime = TimeSpan.FromDays(1);
        _receiver.Reply(Enumerable.Repeat(new WebhookReply(500), 1000).ToArray());
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-deadline", TaskStatus.Succeeded, _receiver.Url));
        using var deadline = new CancellationTokenSource();

        var handling = _harness.CreateHandler().HandleAsync(s3Event, deadline.Token);
        while (_receiver.Received.Count < 3 && !handling.IsCompleted)
        {
            await Task.Delay(10);
        }

        await deadline.CancelAsync();
        await handling;

        Assert.InRange(_receiver.Received.Count, 3, 999);
        var letter = Assert.Single(_harness.DeadLetterEntries());
        Assert.Equal(WebhookDeliveryOutcome.GaveUp, letter.Outcome);
        Assert.Contains("invocation ended", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReceiverThatDoesNotAnswerInTimeIsRetried()
    {
        _harness.CallbackOptions.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        _receiver.Reply(new WebhookReply(200, Delay: TimeSpan.FromSeconds(5)), new WebhookReply(200));
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-slow", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Equal(2, _receiver.Received.Count);
        Assert.Empty(_harness.DeadLetters.Bodies);
    }

    [Fact]
    public async Task AClientErrorIsNotRetriedAndGoesToTheDeadLetterQueue()
    {
        _receiver.Reply(new WebhookReply(400));
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-400", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Single(_receiver.Received);
        var letter = Assert.Single(_harness.DeadLetterEntries());
        Assert.Equal(WebhookDeliveryOutcome.Rejected, letter.Outcome);
        Assert.Equal(400, letter.StatusCode);
    }

    [Fact]
    public async Task GoneStopsRetryingWithoutADeadLetter()
    {
        _receiver.Reply(new WebhookReply(410));
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-410", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Single(_receiver.Received);
        Assert.Empty(_harness.DeadLetters.Bodies);
    }

    [Fact]
    public async Task AReceiverThatIsDownLeavesADeadLetterThatTheReplayDeliversOnceItIsBack()
    {
        var port = LoopbackPort.Next();
        var url = $"http://127.0.0.1:{port}/hook";
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-down", TaskStatus.Succeeded, url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        var letter = Assert.Single(_harness.DeadLetterEntries());
        Assert.Equal(url, letter.Url);
        Assert.Equal("t-down", letter.IdTask);
        Assert.Equal(WebhookDeliveryOutcome.GaveUp, letter.Outcome);
        Assert.Equal(_harness.CallbackOptions.MaxAttempts, letter.Attempts);
        Assert.Contains("connection failed", letter.Reason, StringComparison.Ordinal);
        Assert.Equal("t-down", letter.Payload!.Value.GetProperty("id_task").GetString());

        var stillDown = await _harness.CreateReplayer().ReplayAsync(CancellationToken.None);
        Assert.Equal(new CallbackReplayReport(0, 1, 0, 1), stillDown);
        Assert.Single(_harness.DeadLetters.Bodies);

        using var back = WebhookReceiver.Start(port);
        var report = await _harness.CreateReplayer().ReplayAsync(CancellationToken.None);

        Assert.Equal(new CallbackReplayReport(1, 0, 0, 0), report);
        Assert.Empty(_harness.DeadLetters.Bodies);
        var received = Assert.Single(back.Received);
        Assert.Equal(letter.WebhookId, received.Id);
        Assert.Equal(WebhookVerification.Valid, _harness.CreateVerifier().Verify(received.Id, received.Timestamp, received.Signature, received.Body));
        Assert.Equal(letter.Payload.Value.GetRawText(), System.Text.Encoding.UTF8.GetString(received.Body));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task ACallbackToAPrivateAddressIsRefusedAtConnectTimeAndDeadLettered(string host)
    {
        _harness.Options.AllowPrivateNetwork = false;
        var url = $"http://{host}:{_receiver.Port}/hook";
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-private", TaskStatus.Succeeded, url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Empty(_receiver.Received);
        var letter = Assert.Single(_harness.DeadLetterEntries());
        Assert.Equal(WebhookDeliveryOutcome.Refused, letter.Outcome);
        Assert.Equal(url, letter.Url);
        Assert.Contains($"Refused to connect to {host}", letter.Reason, StringComparison.Ordinal);
        Assert.Empty(_harness.Clock.Delays);
    }

    [Theory]
    [InlineData("http://user:pw@127.0.0.1:1/hook", true, "credentials")]
    [InlineData("http://127.0.0.1:1/hook", false, "must be an https URL")]
    [InlineData("ftp://127.0.0.1/hook", true, "must be an http or https URL")]
    [InlineData("notaurl", true, "must be an absolute URL")]
    public async Task ACallbackUrlBreakingTheSyntaxRulesIsRefusedWithoutSending(string url, bool allowHttp, string reason)
    {
        _harness.Options.AllowHttp = allowHttp;
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-syntax", TaskStatus.Succeeded, url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        var letter = Assert.Single(_harness.DeadLetterEntries());
        Assert.Equal(WebhookDeliveryOutcome.Refused, letter.Outcome);
        Assert.Contains(reason, letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableDeadLetterQueueFailsTheInvocationSoThatItIsRetried()
    {
        _receiver.Reply(new WebhookReply(400));
        _harness.DeadLetters.Unavailable = true;
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-nodlq", TaskStatus.Succeeded, _receiver.Url));

        await Assert.ThrowsAsync<Core.DependencyUnavailableException>(() => _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None));
    }

    public void Dispose()
    {
        _receiver.Dispose();
        _harness.Dispose();
    }
}
