using SdServerless.Functions.Json;

namespace SdServerless.IntegrationTests.Callback;

/// <summary>Which S3 events lead to a callback, fed as the JSON S3 (and moto) send, through the real serializer.</summary>
[Trait("Category", "Integration")]
public class CallbackEventTests : IDisposable
{
    private readonly WebhookReceiver _receiver = WebhookReceiver.Start();

    [Theory]
    [InlineData("out+put%2Ft%C3%A2che+1%2Fresult.json", "out put/tâche 1/result.json")]
    [InlineData("output/test-i2i/result.json", "output/test-i2i/result.json")]
    [InlineData("a%2Bb/c%25d/result.json", "a+b/c%d/result.json")]
    public void KeysAreDecodedAsS3EncodesThem(string eventKey, string key) =>
        Assert.Equal(key, S3KeyEncoding.Decode(eventKey));

    [Fact]
    public async Task MotosEventForAKeyWithSpacesAndNonAsciiCharactersIsHandled()
    {
        using var harness = new CallbackHarness("outb");
        await harness.PutResultAsync(CallbackHarness.Result("tâche 1", TaskStatus.Succeeded, _receiver.Url, prefix: "out put"), "out put/tâche 1/result.json");

        // The event moto sends for this new result.json is, byte for byte, the sample Lambda event for it.
        await harness.CreateHandler().HandleAsync(ReadEvent("Lambda", "s3-result-created.json"), CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(_receiver.Received).Body);
        Assert.Equal("s3://outb/out put/tâche 1/result.json", body.RootElement.GetProperty("output_url").GetString());
        Assert.Equal("s3://outb/out put/tâche 1", body.RootElement.GetProperty("output_location").GetString());
        Assert.Equal(
            "http://127.0.0.1:8080/objects/out%20put/t%C3%A2che%201/t%C3%A2che%201-1.png",
            body.RootElement.GetProperty("images")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task AnAwsPutEventWithAllItsFieldsIsHandled()
    {
        using var harness = new CallbackHarness();
        await harness.PutResultAsync(CallbackHarness.Result("test-i2i", TaskStatus.Succeeded, _receiver.Url));

        await harness.CreateHandler().HandleAsync(ReadEvent("s3-put-result.json"), CancellationToken.None);

        Assert.Single(_receiver.Received);
    }

    [Theory]
    [InlineData("s3-test-event.json")]
    [InlineData("s3-delete-result.json")]
    public async Task TestEventsAndRemovalsSendNothing(string file)
    {
        using var harness = new CallbackHarness();
        await harness.PutResultAsync(CallbackHarness.Result("test-i2i", TaskStatus.Succeeded, _receiver.Url));

        await harness.CreateHandler().HandleAsync(ReadEvent(file), CancellationToken.None);

        Assert.Empty(_receiver.Received);
        Assert.Empty(harness.DeadLetters.Bodies);
    }

    [Fact]
    public async Task AnEventWithNullRecordsSendsNothing()
    {
        using var harness = new CallbackHarness();

        await harness.CreateHandler().HandleAsync(new S3Event { Records = null }, CancellationToken.None);

        Assert.Empty(_receiver.Received);
    }

    [Theory]
    [InlineData("output/t1/t1-1.png")]
    [InlineData("output/t1/result.json.tmp")]
    [InlineData("output/t1/not-result.json")]
    [InlineData("_sdserverless/tasks/t1/result.json")]
    public async Task KeysOtherThanATasksResultJsonSendNothing(string key)
    {
        using var harness = new CallbackHarness();
        var s3Event = await harness.PutResultAsync(CallbackHarness.Result("t1", TaskStatus.Succeeded, _receiver.Url), key);

        await harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task TheDefaultWebhookUrlIsUsedWhenTheTaskHasNone()
    {
        using var harness = new CallbackHarness();
        harness.Options.DefaultWebhookUrl = _receiver.Url;
        var s3Event = await harness.PutResultAsync(CallbackHarness.Result("t-default", TaskStatus.Succeeded, callbackUrl: null));

        await harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task TheTasksCallbackUrlWinsOverTheDefault()
    {
        using var harness = new CallbackHarness();
        using var other = WebhookReceiver.Start();
        harness.Options.DefaultWebhookUrl = other.Url;
        var s3Event = await harness.PutResultAsync(CallbackHarness.Result("t-own", TaskStatus.Succeeded, _receiver.Url));

        await harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Single(_receiver.Received);
        Assert.Empty(other.Received);
    }

    [Fact]
    public async Task WithoutAnyCallbackUrlNothingIsSentAndNothingDeadLettered()
    {
        using var harness = new CallbackHarness();
        var s3Event = await harness.PutResultAsync(CallbackHarness.Result("t-none", TaskStatus.Succeeded, callbackUrl: null));

        await harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None);

        Assert.Empty(harness.DeadLetters.Bodies);
    }

    [Fact]
    public async Task AnUnreadableOrMissingResultIsSkippedWithoutFailingTheOtherRecords()
    {
        using var harness = new CallbackHarness();
        var broken = await harness.PutRawAsync("output/broken/result.json", "{not json");
        var missing = await harness.PutResultAsync(CallbackHarness.Result("gone", TaskStatus.Succeeded, _receiver.Url));
        await harness.Store.DeleteAsync(TaskKeys.Result("output", "gone"), CancellationToken.None);
        var good = await harness.PutResultAsync(CallbackHarness.Result("good", TaskStatus.Succeeded, _receiver.Url));
        var combined = new S3Event { Records = [.. broken.Records!, .. missing.Records!, .. good.Records!] };

        await harness.CreateHandler().HandleAsync(combined, CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(_receiver.Received).Body);
        Assert.Equal("good", body.RootElement.GetProperty("id_task").GetString());
    }

    [Fact]
    public async Task AnUnreachableStoreFailsTheInvocationSoThatS3RetriesIt()
    {
        using var harness = new CallbackHarness();
        var s3Event = await harness.PutResultAsync(CallbackHarness.Result("t-store", TaskStatus.Succeeded, _receiver.Url));
        harness.Store.Unavailable = true;

        await Assert.ThrowsAsync<Core.DependencyUnavailableException>(() => harness.CreateHandler().HandleAsync(s3Event, CancellationToken.None));
    }

    public void Dispose() => _receiver.Dispose();

    private static S3Event ReadEvent(params string[] file) =>
        JsonSerializer.Deserialize(TestDataFiles.Event(file), FunctionsJsonContext.Default.S3Event)!;
}
