namespace SdServerless.UnitTests.Testing;

/// <summary>
/// The test kit's shared pieces that other tests lean on without checking them: the sample files reach the test
/// output, task messages are what the dispatcher reads back, a loopback server answers with the status it is told and
/// the webhook receiver with its script.
/// </summary>
public sealed class TestKitTests
{
    [Fact]
    public void EverySampleFileInTestDataIsCopiedNextToTheTestsAndFoundByItsPath()
    {
        var source = RepositoryFiles.PathOf(Path.Combine("tests", "TestData"));
        var files = Directory.GetFiles(source, "*", SearchOption.AllDirectories);

        Assert.Contains(files, f => f.Contains(Path.Combine("Events", "Lambda"), StringComparison.Ordinal));
        Assert.All(files, file =>
        {
            var parts = Path.GetRelativePath(source, file).Split(Path.DirectorySeparatorChar);
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(TestDataFiles.PathOf(parts)));
        });
    }

    [Fact]
    public void TheSeedEventAndLambdaEventReadersReadTheirFolders()
    {
        Assert.Equal(File.ReadAllText(TestDataFiles.PathOf("Seed", "request-v1alpha2.jsonc")), TestDataFiles.Seed("request-v1alpha2.jsonc"));
        Assert.Equal(File.ReadAllText(TestDataFiles.PathOf("Events", "apigw-rest-post.json")), TestDataFiles.Event("apigw-rest-post.json"));
        Assert.Equal(TestDataFiles.Event("Lambda", "sqs-two-messages.json"), Encoding.UTF8.GetString(TestDataFiles.LambdaEvent("sqs-two-messages.json")));
    }

    [Fact]
    public void ATaskMessageReadsBackAsTheTaskItWasMadeFrom()
    {
        var task = TestTasks.Create("t-1", TaskType.ImageToImage, """{"prompt":"a cat"}""", model: "m", imageLink: "https://example.com/a.png", context: JsonValue.Create(7), callbackUrl: "https://hooks.example.com/x", runtime: "other");

        var message = TaskMessageReader.Parse(TestTasks.MessageBody(task))!;

        Assert.Equal("t-1", message.IdTask);
        Assert.Equal(
            ("v1alpha2", "t-1", "other", TaskType.ImageToImage, "output", "m", "https://example.com/a.png", "https://hooks.example.com/x"),
            (message.Task!.ApiVersion, message.Task.Id, message.Task.Runtime, message.Task.TaskType, message.Task.Prefix, message.Task.Model, message.Task.ImageLink, message.Task.CallbackUrl));
        Assert.Equal("7", message.Task.Context!.ToJsonString());
        Assert.Equal("""{"prompt":"a cat"}""", message.Task.Content.ToJsonString());
    }

    [Fact]
    public async Task ALoopbackServerAnswersWithTheStatusItWasToldAndRecordsTheRequest()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        using var http = new HttpClient();

        using var byDefault = await http.GetAsync(server.Url("/a"));
        server.AnswerWith(503);
        using var told = await http.GetAsync(server.Url("/b"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable), (byDefault.StatusCode, told.StatusCode));
        Assert.Equal(["/a", "/b"], server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task AWebhookReceiverAnswersWithItsScriptedRepliesInOrderThen200AndRecordsEachWebhook()
    {
        using var receiver = WebhookReceiver.Start();
        receiver.Reply(new WebhookReply(503, RetryAfter: "7"), new WebhookReply(410));
        using var http = new HttpClient();

        var statuses = new List<(HttpStatusCode, string?)>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new StringContent($"body {i}", Encoding.UTF8, "application/json") };
            request.Headers.Add("webhook-id", $"msg_{i}");
            using var response = await http.SendAsync(request);
            statuses.Add((response.StatusCode, response.Headers.RetryAfter?.ToString()));
        }

        Assert.Equal([(HttpStatusCode.ServiceUnavailable, "7"), (HttpStatusCode.Gone, null), (HttpStatusCode.OK, null)], statuses);
        Assert.Equal(["msg_0", "msg_1", "msg_2"], receiver.Received.Select(r => r.Id));
        Assert.Equal("body 1", Encoding.UTF8.GetString(receiver.Received[1].Body));
        Assert.All(receiver.Received, r => Assert.Equal(("POST", "application/json; charset=utf-8", null), (r.Method, r.ContentType, r.Signature)));
    }

    [Fact]
    public async Task AWebhookReceiverStopsAtOnceWhileAReplyIsHeldBackAndListensOnTheGivenPort()
    {
        var port = LoopbackPort.Next();
        var receiver = WebhookReceiver.Start(port);
        receiver.Reply(new WebhookReply(200, Delay: TimeSpan.FromMinutes(5)));
        using var http = new HttpClient();
        var held = http.PostAsync(receiver.Url, new StringContent("{}"));
        await Eventually.TrueAsync(() => receiver.Received.Count == 1, TimeSpan.FromSeconds(10), "the held webhook arrives");

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        receiver.Dispose();

        Assert.Equal(port, receiver.Port);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopped after {stopping.Elapsed}");
        await Assert.ThrowsAsync<HttpRequestException>(() => held);
    }
}
