using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using SdServerless.Functions.Json;
using SdServerless.IntegrationTests.Callback;

namespace SdServerless.IntegrationTests.LocalHost;

[Trait("Category", "Integration")]
public class LocalCallbackTests
{
    [Fact]
    public void TheLocalStoresEventSerializesToTheJsonS3SendsWithTheKeyFormEncoded()
    {
        var created = new ObjectCreated("outb", "out put/tâche 1/result.json", 3, "8a80554c91d9fca8acb82f023de02f11", DateTimeOffset.UtcNow);

        var json = JsonSerializer.Serialize(LocalS3Events.FromObjectCreated(created), FunctionsJsonContext.Default.S3Event);

        using var document = JsonDocument.Parse(json);
        var record = Assert.Single(document.RootElement.GetProperty("Records").EnumerateArray());
        Assert.Equal("ObjectCreated:Put", record.GetProperty("eventName").GetString());
        Assert.Equal("aws:s3", record.GetProperty("eventSource").GetString());
        Assert.Equal("outb", record.GetProperty("s3").GetProperty("bucket").GetProperty("name").GetString());
        var s3Object = record.GetProperty("s3").GetProperty("object");
        Assert.Equal("out+put%2Ft%C3%A2che+1%2Fresult.json", s3Object.GetProperty("key").GetString());
        Assert.Equal(3, s3Object.GetProperty("size").GetInt64());
        Assert.False(document.RootElement.TryGetProperty("Event", out _));
    }

    [Theory]
    [InlineData("output/t1/t1-1.png", "http://127.0.0.1:8080/objects/output/t1/t1-1.png")]
    [InlineData("out put/tâche 1/a#b?.png", "http://127.0.0.1:8080/objects/out%20put/t%C3%A2che%201/a%23b%3F.png")]
    public void LocalImageLinksEscapeEachKeySegment(string key, string url) =>
        Assert.Equal(url, new LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080/")).GetReadUrl(key, TimeSpan.FromHours(1)).AbsoluteUri);

    [Fact]
    public async Task ResultJsonWrittenToTheLocalStoreTriggersTheCallbackInTheBackground()
    {
        using var receiver = WebhookReceiver.Start();
        using var harness = new CallbackHarness();
        using var trigger = new LocalCallbackTrigger(harness.Store, harness.Store, harness.CreateHandler(), defaultWebhookUrl: null, NullLogger<LocalCallbackTrigger>.Instance);
        await trigger.StartAsync(CancellationToken.None);

        await harness.PutRawAsync("output/t1/t1-1.png", "png");
        await harness.PutResultAsync(CallbackHarness.Result("t1", TaskStatus.Succeeded, receiver.Url));

        await Eventually.TrueAsync(() => receiver.Received.Count > 0, TimeSpan.FromSeconds(20), "the webhook of t1");

        await trigger.StopAsync(CancellationToken.None);
        using var body = JsonDocument.Parse(Assert.Single(receiver.Received).Body);
        Assert.Equal("t1", body.RootElement.GetProperty("id_task").GetString());
    }

    [Fact]
    public async Task TheReplayEndpointRedeliversTheDeadLetterQueue()
    {
        using var harness = new CallbackHarness();
        var port = LoopbackPort.Next();
        var s3Event = await harness.PutResultAsync(CallbackHarness.Result("t-replay", TaskStatus.Succeeded, $"http://127.0.0.1:{port}/hook"));
        await harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);
        Assert.Single(harness.DeadLetters.Bodies);
        using var receiver = WebhookReceiver.Start(port);
        await using var app = await StartAsync(app => app.MapCallbackReplay(harness.CreateReplayer()));
        using var client = new HttpClient();

        var response = await client.PostAsync(new Uri(new Uri(app.Urls.First()), CallbackReplayEndpoints.Route), null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, report.RootElement.GetProperty("delivered").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("failed").GetInt32());
        Assert.Single(receiver.Received);
        Assert.Empty(harness.DeadLetters.Bodies);
    }

    internal static async Task<WebApplication> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }
}
