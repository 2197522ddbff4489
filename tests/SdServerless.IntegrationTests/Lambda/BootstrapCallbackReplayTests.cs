namespace SdServerless.IntegrationTests.Lambda;

/// <summary>
/// The published bootstrap as the callback and replay functions, with the webhook secret in moto's Secrets Manager
/// and the output bucket and callback dead-letter queue on moto.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class BootstrapCallbackReplayTests(MotoServer moto) : IAsyncLifetime
{
    private MotoDeployment _deployment = null!;
    private LoopbackHttpServer _receiver = null!;

    public async Task InitializeAsync()
    {
        _deployment = await MotoDeployment.CreateAsync(moto);
        _receiver = await LoopbackHttpServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _deployment.Dispose();
    }

    [Fact]
    public async Task TheCallbackSignsWithTheSecretFromSecretsManagerAndAfterARotationWithBothSecrets()
    {
        var old = WebhookSecret.Generate();
        var next = WebhookSecret.Generate();
        var secretArn = await _deployment.CreateWebhookSecretAsync(old);
        var environment = _deployment.Environment(webhookSecretArn: secretArn);
        environment["SDSERVERLESS_WEBHOOK_SECRET_CACHE_SECONDS"] = "1";
        await using var runtime = await RuntimeApiEmulator.StartAsync();
        await using var callback = await BootstrapProcess.StartAsync(runtime, "callback", environment);

        var before = await CallbackOfAsync(runtime, callback, "before-rotation");
        await new MotoSecrets(moto).PutValueAsync(secretArn, next.Reveal());
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the cache lives one second: the next read sees the rotation
        var after = await CallbackOfAsync(runtime, callback, "after-rotation");

        var signature = before.Headers["webhook-signature"];
        Assert.Single(signature.Split(' '));
        Assert.Equal(WebhookVerification.Valid, Verify(old, before));
        var signatures = after.Headers["webhook-signature"].Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.Equal(WebhookVerification.Valid, Verify(next, after));
        Assert.Equal(WebhookVerification.Valid, Verify(old, after));
        Assert.Equal(WebhookVerification.NoMatchingSignature, Verify(WebhookSecret.Generate(), after));
        Assert.Contains("\"level\":\"INFO\"", callback.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(old.Reveal()[WebhookSecret.Prefix.Length..], callback.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(next.Reveal()[WebhookSecret.Prefix.Length..], callback.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReplayDeliversADeadLetteredCallbackWithFreshImageLinksAndTheSameWebhookIdAndEmptiesTheQueue()
    {
        var secret = WebhookSecret.Generate();
        var environment = _deployment.Environment(webhookSecretArn: await _deployment.CreateWebhookSecretAsync(secret));
        _receiver.AnswerWith(400);
        await using var callbackRuntime = await RuntimeApiEmulator.StartAsync();
        await using var callback = await BootstrapProcess.StartAsync(callbackRuntime, "callback", environment);
        var image = await _deployment.WriteSucceededTaskAsync("replayed", _receiver.Url("/hook").AbsoluteUri);
        var called = await callbackRuntime.InvokeAsync(await _deployment.ReceiveResultNotificationAsync("replayed"));
        Assert.False(called.IsError, called.Body + callback.Output);
        var refused = Assert.Single(_receiver.Requests);
        Assert.Equal(1, await _deployment.CallbackDeadLetters.GetApproximateDepthAsync(CancellationToken.None));

        // Presigned links carry their signing second: a replay a second later signs different ones.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        _receiver.AnswerWith(204);
        await using var replayRuntime = await RuntimeApiEmulator.StartAsync();
        await using var replay = await BootstrapProcess.StartAsync(replayRuntime, "replay", environment);
        var answer = await replayRuntime.InvokeAsync("""{"max_messages": 10}""");

        Assert.False(answer.IsError, answer.Body + replay.Output);
        Assert.Equal("""{"delivered":1,"failed":0,"dropped":0,"remaining":0,"events_rerun":0,"events_failed":0}""", answer.Body);
        var delivered = _receiver.Requests.ToList()[^1];
        Assert.Equal(refused.Headers["webhook-id"], delivered.Headers["webhook-id"]);
        Assert.Equal(WebhookVerification.Valid, Verify(secret, delivered));
        var deadLettered = JsonNode.Parse(refused.BodyText)!["images"]![0]!["url"]!.GetValue<string>();
        var fresh = JsonNode.Parse(delivered.BodyText)!["images"]![0]!["url"]!.GetValue<string>();
        Assert.NotEqual(deadLettered, fresh);
        Assert.StartsWith(moto.ServiceUrl, fresh, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Equal(image, await http.GetByteArrayAsync(fresh));
        Assert.Empty(await _deployment.CallbackDeadLetters.ReceiveAsync(10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task TheReplayLeavesACallbackWhoseReceiverIsStillDownOnTheQueue()
    {
        var environment = _deployment.Environment(webhookSecretArn: await _deployment.CreateWebhookSecretAsync(WebhookSecret.Generate()));
        _receiver.AnswerWith(400);
        await using var callbackRuntime = await RuntimeApiEmulator.StartAsync();
        await using var callback = await BootstrapProcess.StartAsync(callbackRuntime, "callback", environment);
        await _deployment.WriteSucceededTaskAsync("still-refused", _receiver.Url("/hook").AbsoluteUri);
        Assert.False((await callbackRuntime.InvokeAsync(await _deployment.ReceiveResultNotificationAsync("still-refused"))).IsError, callback.Output);

        await using var replayRuntime = await RuntimeApiEmulator.StartAsync();
        await using var replay = await BootstrapProcess.StartAsync(replayRuntime, "replay", environment);
        var answer = await replayRuntime.InvokeAsync("{}");

        Assert.False(answer.IsError, answer.Body + replay.Output);
        Assert.Equal("""{"delivered":0,"failed":1,"dropped":0,"remaining":1,"events_rerun":0,"events_failed":0}""", answer.Body);
        Assert.Equal(2, _receiver.Requests.Count);
        var left = Assert.Single(await _deployment.CallbackDeadLetters.ReceiveAsync(10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Contains("still-refused", left.Body, StringComparison.Ordinal);
    }

    private async Task<RecordedRequest> CallbackOfAsync(RuntimeApiEmulator runtime, BootstrapProcess callback, string id)
    {
        await _deployment.WriteSucceededTaskAsync(id, _receiver.Url("/hook").AbsoluteUri);
        var answer = await runtime.InvokeAsync(await _deployment.ReceiveResultNotificationAsync(id));
        Assert.False(answer.IsError, answer.Body + callback.Output);
        return Assert.Single(_receiver.Requests, request => request.BodyText.Contains($"\"id_task\":\"{id}\"", StringComparison.Ordinal));
    }

    private static WebhookVerification Verify(WebhookSecret secret, RecordedRequest request) =>
        new WebhookVerifier(secret).Verify(request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], request.Body);
}
