using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using SdServerless.Core.Configuration;
using SdServerless.Core.Json;
using SdServerless.Core.Net;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Core.Webhooks;
using SdServerless.Functions.Callback;
using SdServerless.Local.Callbacks;
using SdServerless.UnitTests.Callback;
using SdServerless.UnitTests.Fakes;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.UnitTests.Reliability;

/// <summary>The local callback trigger loses no callback: not to a crash (resumed on start), not to a store outage (retried).</summary>
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
        await StartTriggerAsync(_memory);
        await PutResultAsync("later");
        await WaitForWebhooksAsync(3);

        // "later" is delivered by both running triggers' live events at most; "pending" only by the first start.
        Assert.Equal(["later", "pending"], TaskIds().Distinct().Order(StringComparer.Ordinal));
        Assert.Single(TaskIds(), id => id == "pending");
        Assert.NotNull(await _memory.GetAsync(LocalCallbackTrigger.MarkerKey("output/pending/result.json"), CancellationToken.None));
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
        Assert.NotNull(await _memory.GetAsync(LocalCallbackTrigger.MarkerKey("output/outage/result.json"), CancellationToken.None));
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
            new CallbackDeadLetterWriter(new InMemoryTaskQueue(), callbackOptions, TimeProvider.System), options, callbackOptions,
            NullLogger<CallbackHandler>.Instance);
        var trigger = new LocalCallbackTrigger(store, _memory, handler, NullLogger<LocalCallbackTrigger>.Instance);
        _triggers.Add(trigger);
        await trigger.StartAsync(CancellationToken.None);
    }

    private async Task WaitForWebhooksAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (_receiver.Received.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{_receiver.Received.Count} of {count} webhooks arrived: {string.Join(", ", TaskIds())}");
            await Task.Delay(20);
        }
    }
}
