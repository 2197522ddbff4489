namespace SdServerless.IntegrationTests.EndToEnd;

/// <summary>Signed webhooks, end to end: result.json written by the dispatcher → callback → a receiver on loopback.</summary>
[Trait("Category", "Integration")]
public sealed class CallbackTests : IAsyncLifetime
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private LoopbackHttpServer _receiver = null!;
    private LocalHostProcess _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackHttpServer.StartAsync();
        _host = await LocalHostProcess.StartAsync(null, "--allow-private-network", "--webhook-secret", Secret, "--webhook-attempts", "2");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private static string Task(string id, string tasktype, string context, string callbackUrl, string extraContent = "") =>
        "{\"task\":{\"metadata\":{\"id\":\"" + id + "\",\"runtime\":\"sdruntime\",\"tasktype\":\"" + tasktype
        + "\",\"context\":" + context + ",\"callback_url\":\"" + callbackUrl + "\"},"
        + "\"content\":{\"prompt\":\"p\",\"steps\":2,\"width\":64,\"height\":64" + extraContent + "}}}";

    private async Task<RecordedRequest> WaitForWebhookAsync(Func<RecordedRequest, bool> match)
    {
        RecordedRequest? found = null;
        await Eventually.TrueAsync(
            () => (found = _receiver.Requests.FirstOrDefault(match)) is not null,
            TimeSpan.FromSeconds(60),
            "the webhook",
            () => "no webhook arrived\n" + _host.Output);
        return found!;
    }

    [Theory]
    [InlineData("\"a string\"")]
    [InlineData("12.50")]
    [InlineData("{\"order\":{\"id\":7,\"tags\":[\"x\",[1,2,{\"deep\":null}]]}}")]
    [InlineData("[[1],[\"two\",[3.0]]]")]
    public async Task ASucceededTaskPostsASignedPayloadThatEchoesTheContextExactly(string context)
    {
        using var client = new PipelineClient(_host);

        await client.SubmitAsync("v1alpha2", Task("ok", "text-to-image", context, _receiver.Url("/hook").ToString()));
        var webhook = await WaitForWebhookAsync(r => r.PathAndQuery == "/hook");

        var verification = new WebhookVerifier(WebhookSecret.Parse(Secret)).Verify(
            webhook.Headers["webhook-id"], webhook.Headers["webhook-timestamp"], webhook.Headers["webhook-signature"], webhook.Body);
        Assert.Equal(WebhookVerification.Valid, verification);

        var payload = JsonNode.Parse(webhook.Body)!;
        Assert.Equal("ok", payload["id"]!.GetValue<string>());
        Assert.Equal("ok", payload["id_task"]!.GetValue<string>());
        Assert.True(payload["result"]!.GetValue<bool>());
        Assert.Equal("succeeded", payload["status"]!.GetValue<string>());
        Assert.Equal(["s3://outputbucket/output/ok/ok-1.png"], payload["image_url"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Equal("s3://outputbucket/output/ok/result.json", payload["output_url"]!.GetValue<string>());
        Assert.Equal("s3://outputbucket/output/ok", payload["output_location"]!.GetValue<string>());

        // The context's raw JSON text comes back as sent, number formatting included.
        Assert.Contains("\"context\":" + context, Encoding.UTF8.GetString(webhook.Body), StringComparison.Ordinal);

        // The image link is served by the local host.
        using var http = new HttpClient();
        var url = payload["images"]![0]!["url"]!.GetValue<string>();
        var image = await http.GetByteArrayAsync(url);
        Assert.Equal((64, 64), PipelineClient.PngSize(image));
    }

    [Fact]
    public async Task AFailedTaskStillGetsItsCallbackWithTheError()
    {
        using var client = new PipelineClient(_host);
        var missingInput = _receiver.Url("/no-such-image.png").ToString();

        await client.SubmitAsync("v1alpha2", Task("broken", "image-to-image", "null", _receiver.Url("/hook").ToString(),
            $",\"alwayson_scripts\":{{\"image_link\":\"{missingInput}\"}}"));
        _receiver.Handler = (request, context) =>
        {
            context.Response.StatusCode = request.PathAndQuery == "/hook" ? 200 : 404;
            return System.Threading.Tasks.Task.CompletedTask;
        };
        var webhook = await WaitForWebhookAsync(r => r.PathAndQuery == "/hook");

        var payload = JsonNode.Parse(webhook.Body)!;
        Assert.False(payload["result"]!.GetValue<bool>());
        Assert.Equal("failed", payload["status"]!.GetValue<string>());
        Assert.Empty(payload["image_url"]!.AsArray());
        Assert.False(string.IsNullOrEmpty(payload["error"]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnUnreachableReceiverLeavesADeadLetterThatTheReplayDeliversOnceItIsBack()
    {
        using var client = new PipelineClient(_host);
        var downPort = LoopbackPort.Next();

        await client.SubmitAsync("v1alpha2", Task("later", "text-to-image", "\"c\"", $"http://127.0.0.1:{downPort}/hook"));
        await client.WaitUntilFinishedAsync("later");
        using var http = _host.CreateClient();
        await Eventually.TrueAsync(
            () => _host.Output.Contains("sent to the callback dead-letter queue", StringComparison.Ordinal),
            TimeSpan.FromSeconds(90),
            "the dead letter of 'later'",
            () => _host.Output);

        await using var receiver = await LoopbackHttpServer.StartAsync(downPort);
        using var replay = await http.PostAsync("/admin/callbacks/replay", null);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var delivered = Assert.Single(receiver.Requests);
        Assert.Equal("later", JsonNode.Parse(delivered.Body)!["id_task"]!.GetValue<string>());
    }
}
