using SdServerless.IntegrationTests.Callback;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>Local webhooks: a slow receiver holds back only its own deliveries; a payload of any size cannot wedge them.</summary>
[Trait("Category", "Integration")]
public sealed class LocalCallbackConcurrencyTests
{
    [Fact]
    public async Task ASlowReceiverDoesNotDelayAnotherReceiversWebhook()
    {
        using var slow = WebhookReceiver.Start();
        using var fast = WebhookReceiver.Start();
        slow.Reply([.. Enumerable.Range(0, 12).Select(_ => new WebhookReply(200, Delay: TimeSpan.FromSeconds(3)))]);
        using var harness = new CallbackHarness();
        using var trigger = new LocalCallbackTrigger(harness.Store, harness.Store, harness.CreateHandler(), defaultWebhookUrl: null, NullLogger<LocalCallbackTrigger>.Instance);
        await trigger.StartAsync(CancellationToken.None);

        for (var i = 0; i < 12; i++)
        {
            await harness.PutResultAsync(CallbackHarness.Result($"slow-{i}", TaskStatus.Failed, slow.Url));
        }

        var sent = DateTime.UtcNow;
        await harness.PutResultAsync(CallbackHarness.Result("healthy", TaskStatus.Failed, fast.Url));
        await Eventually.TrueAsync(() => fast.Received.Count == 1, TimeSpan.FromSeconds(20), "the fast receiver's webhook");
        var healthyAfter = DateTime.UtcNow - sent;
        var slowWhenHealthyArrived = slow.Received.Count;
        await Eventually.TrueAsync(() => slow.Received.Count == 12, TimeSpan.FromSeconds(30), "12 webhooks at the slow receiver", () => $"{slow.Received.Count} arrived");
        await trigger.StopAsync(CancellationToken.None);

        // One at a time, the healthy webhook would wait for twelve 3 s answers.
        Assert.True(healthyAfter < TimeSpan.FromSeconds(2), $"the healthy receiver's webhook took {healthyAfter}");
        Assert.InRange(slowWhenHealthyArrived, 1, LocalCallbackTrigger.MaxPerReceiver);
        Assert.Equal(12, slow.Received.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task AMegabyteContextThatCannotBeDeliveredIsDeadLetteredOnceWithItsPayloadInTheStore()
    {
        using var receiver = WebhookReceiver.Start();
        receiver.Reply([.. Enumerable.Range(0, 4).Select(_ => new WebhookReply(500))]);
        using var harness = new CallbackHarness();
        harness.CallbackOptions.InitialBackoff = TimeSpan.FromMilliseconds(10);
        harness.CallbackOptions.MaxBackoff = TimeSpan.FromMilliseconds(20);
        using var trigger = new LocalCallbackTrigger(harness.Store, harness.Store, harness.CreateHandler(), defaultWebhookUrl: null, NullLogger<LocalCallbackTrigger>.Instance);
        await trigger.StartAsync(CancellationToken.None);
        var result = CallbackHarness.Result("big", TaskStatus.Failed, receiver.Url);
        var withContext = new TaskResult
        {
            IdTask = result.IdTask, Runtime = result.Runtime, Tasktype = result.Tasktype, Status = result.Status, Images = result.Images,
            Error = result.Error, CallbackUrl = result.CallbackUrl, CreatedAt = result.CreatedAt, StartedAt = result.StartedAt,
            CompletedAt = result.CompletedAt, Attempts = result.Attempts,
            Context = new JsonObject { ["blob"] = new string('x', 1024 * 1024) },
        };

        await harness.PutResultAsync(withContext);
        var marker = LocalCallbackTrigger.MarkerKey("output/big/result.json");
        await Eventually.TrueAsync(async () => await harness.Store.GetAsync(marker, default) is not null, TimeSpan.FromSeconds(30), $"the marker {marker}");
        await trigger.StopAsync(CancellationToken.None);

        var letter = Assert.Single(harness.DeadLetterEntries());
        Assert.Null(letter.Payload);
        var payload = await harness.Store.GetAsync(letter.PayloadKey!, default);
        Assert.True(payload!.Content.Length > 1024 * 1024);
        Assert.Equal(4, receiver.Received.Count);
    }
}
