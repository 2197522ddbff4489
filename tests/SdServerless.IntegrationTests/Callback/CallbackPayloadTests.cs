namespace SdServerless.IntegrationTests.Callback;

[Trait("Category", "Integration")]
public class CallbackPayloadTests : IDisposable
{
    private readonly CallbackHarness _harness = new();
    private readonly WebhookReceiver _receiver = WebhookReceiver.Start();

    [Fact]
    public async Task ASucceededTaskPostsTheContractPayloadWithImageLinks()
    {
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-ok", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        var received = Assert.Single(_receiver.Received);
        Assert.Equal("POST", received.Method);
        Assert.StartsWith("application/json", received.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(received.Body);
        var root = body.RootElement;
        Assert.Equal(
            ["id", "id_task", "runtime", "tasktype", "result", "status", "image_url", "output_url", "output_location", "images", "error", "context"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("t-ok", root.GetProperty("id").GetString());
        Assert.Equal("t-ok", root.GetProperty("id_task").GetString());
        Assert.Equal("sdruntime", root.GetProperty("runtime").GetString());
        Assert.Equal("image-to-image", root.GetProperty("tasktype").GetString());
        Assert.True(root.GetProperty("result").GetBoolean());
        Assert.Equal("succeeded", root.GetProperty("status").GetString());
        Assert.Equal(
            ["s3://outputbucket/output/t-ok/t-ok-1.png", "s3://outputbucket/output/t-ok/t-ok-2.png"],
            root.GetProperty("image_url").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("s3://outputbucket/output/t-ok/result.json", root.GetProperty("output_url").GetString());
        Assert.Equal("s3://outputbucket/output/t-ok", root.GetProperty("output_location").GetString());
        var image = root.GetProperty("images")[1];
        Assert.Equal("s3://outputbucket/output/t-ok/t-ok-2.png", image.GetProperty("s3_uri").GetString());
        Assert.Equal("http://127.0.0.1:8080/objects/output/t-ok/t-ok-2.png", image.GetProperty("url").GetString());
        Assert.Equal("image/png", image.GetProperty("content_type").GetString());
        Assert.Equal(2345, image.GetProperty("size").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("context").ValueKind);
    }

    [Fact]
    public async Task ACancelledTaskPostsResultFalseAndStatusCancelled()
    {
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-stop", TaskStatus.Cancelled, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(_receiver.Received).Body);
        Assert.False(body.RootElement.GetProperty("result").GetBoolean());
        Assert.Equal("cancelled", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AFailedTaskPostsResultFalseWithItsErrorAndNoImages()
    {
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-bad", TaskStatus.Failed, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(_receiver.Received).Body);
        var root = body.RootElement;
        Assert.False(root.GetProperty("result").GetBoolean());
        Assert.Equal("failed", root.GetProperty("status").GetString());
        Assert.Equal(0, root.GetProperty("image_url").GetArrayLength());
        Assert.Equal(0, root.GetProperty("images").GetArrayLength());
        Assert.Equal("unknown_model", root.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("the model x.safetensors is not served", root.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("s3://outputbucket/output/t-bad/result.json", root.GetProperty("output_url").GetString());
    }

    [Fact]
    public async Task TheDeliveredSignatureVerifiesWithTheSecretAndNotWithAnother()
    {
        var s3Event = await _harness.PutResultAsync(CallbackHarness.Result("t-sig", TaskStatus.Succeeded, _receiver.Url));

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        var received = Assert.Single(_receiver.Received);
        Assert.Equal(
            Core.Webhooks.WebhookVerification.Valid,
            _harness.CreateVerifier().Verify(received.Id, received.Timestamp, received.Signature, received.Body));
        Assert.Equal(
            Core.Webhooks.WebhookVerification.NoMatchingSignature,
            new Core.Webhooks.WebhookVerifier(Core.Webhooks.WebhookSecret.Generate(), clock: _harness.Clock)
                .Verify(received.Id, received.Timestamp, received.Signature, received.Body));
        Assert.Equal(_harness.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(), received.Timestamp);
        Assert.Matches("^msg_[0-9a-f]{32}$", received.Id);
    }

    [Theory]
    [InlineData("\"order 42 — tâche\"")]
    [InlineData("12345678901234567890.50")]
    [InlineData("{\"user\":{\"id\":7,\"tags\":[\"a\",\"b\"]},\"ok\":true,\"none\":null}")]
    [InlineData("[[1,[2,[3,\"x\"]]],{\"k\":[]},-0.0,1e3]")]
    [InlineData("\"\"")]
    public async Task ContextComesBackExactlyAsSent(string contextJson)
    {
        var json = $$"""
            {"id_task":"t-ctx","runtime":"sdruntime","tasktype":"text-to-image","status":"succeeded","images":[],
             "parameters":null,"info":null,"error":null,"context":{{contextJson}},"callback_url":"{{_receiver.Url}}",
             "created_at":"2026-11-24T10:00:00Z","started_at":null,"completed_at":"2026-11-24T10:00:05Z","attempts":1}
            """;
        var s3Event = await _harness.PutRawAsync("output/t-ctx/result.json", json);

        await _harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(_receiver.Received).Body);
        Assert.Equal(contextJson, body.RootElement.GetProperty("context").GetRawText());
    }

    public void Dispose()
    {
        _receiver.Dispose();
        _harness.Dispose();
    }
}
