using SdServerless.Core.Net;
using SdServerless.IntegrationTests.Callback;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>The local callback trigger loses no callback: not to a crash (resumed on start), not to a store outage (retried).</summary>
[Trait("Category", "Integration")]
public sealed class CallbackResumeTests : IDisposable
{
    private readonly WebhookReceiver _receiver = WebhookReceiver.Start();
    private readonly InMemoryObjectStore _memory = new();
    private readonly List<LocalCallbackTrigger> _triggers = [];

    public void Dispose()
    {
        foreach (var trigger in _triggers)
        {
            trigger.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            trigger.Dispose();
        }

        _receiver.Dispose();
    }

    [Fact]
    public async Task ResultsLeftWithoutADeliveredMarkerAreCalledBackOnStartAndOnlyOnce()
    {
        await PutResultAsync("pending");
        await PutResultAsync("delivered");
        await _memory.PutAsync(LocalCallbackTrigger.MarkerKey("output/delivered/result.json"), new MemoryStream(), "text/plain", CancellationToken.None);

        await StartTriggerAsync(_memory);
        await WaitForWebhooksAsync(1);
        await WaitForMarkerAsync("output/pending/result.json");

        // A restart: the next trigger's start-up scan runs before it handles "later", so once "later" arrives the
        // scan is known to have skipped both marked results.
        await _triggers[0].StopAsync(CancellationToken.None);
        await StartTriggerAsync(_memory);
        await PutResultAsync("later");
        await WaitForWebhooksAsync(2);
        await WaitForMarkerAsync("output/later/result.json");

        Assert.Equal(["pending", "later"], TaskIds());
    }

    [Fact]
    public async Task AStoreOutageDuringACallbackIsRetriedUntilTheCallbackIsDelivered()
    {
        var flaky = new FlakyObjectStore(_memory);
        await StartTriggerAsync(flaky);
        flaky.FailingReads = 2;

        await PutResultAsync("outage");
        await WaitForWebhooksAsync(1);

        Assert.Equal(2, flaky.Injected);
        Assert.Equal(["outage"], TaskIds());
        await WaitForMarkerAsync("output/outage/result.json");
    }

    private IEnumerable<string> TaskIds() =>
        _receiver.Received.Select(w => JsonNode.Parse(w.Body)!["id_task"]!.GetValue<string>());

    private async Task PutResultAsync(string id)
    {
        var result = CallbackHarness.Result(id, TaskStatus.Succeeded, _receiver.Url);
        var json = JsonSerializer.SerializeToUtf8Bytes(result, CoreJsonContext.Default.TaskResult);
        await _memory.PutAsync(TaskKeys.Result("output", id), new MemoryStream(json), "application/json", CancellationToken.None);
    }

    private async Task StartTriggerAsync(IObjectStore store)
    {
        var options = new SdServerlessOptions { AllowHttp = true, AllowPrivateNetwork = true };
        var callbackOptions = new CallbackOptions { InitialBackoff = TimeSpan.FromMilliseconds(10) };
        var delivery = new WebhookDelivery(GuardedHttpHandler.CreateClient(_ => true), new WebhookSigner(WebhookSecret.Generate()), options,
            callbackOptions, TimeProvider.System, NullLogger<WebhookDelivery>.Instance);
        var handler = new CallbackHandler(store, new LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080")), delivery,
            new CallbackDeadLetterWriter(new InMemoryTaskQueue(), store, callbackOptions, TimeProvider.System), options, callbackOptions,
            NullLogger<CallbackHandler>.Instance);
        var trigger = new LocalCallbackTrigger(store, _memory, handler, defaultWebhookUrl: null, NullLogger<LocalCallbackTrigger>.Instance);
        _triggers.Add(trigger);
        await trigger.StartAsync(CancellationToken.None);
    }

    /// <summary>The marker follows the delivery (the receiver has the webhook before the handler returns).</summary>
    private Task WaitForMarkerAsync(string resultKey) => Eventually.TrueAsync(
        async () => await _memory.GetAsync(LocalCallbackTrigger.MarkerKey(resultKey), CancellationToken.None) is not null,
        TimeSpan.FromSeconds(20),
        $"the delivered marker for {resultKey}");

    private Task WaitForWebhooksAsync(int count) => Eventually.TrueAsync(
        () => _receiver.Received.Count >= count,
        TimeSpan.FromSeconds(20),
        $"{count} webhooks",
        () => $"{_receiver.Received.Count} of {count} webhooks arrived: {string.Join(", ", TaskIds())}");
}
