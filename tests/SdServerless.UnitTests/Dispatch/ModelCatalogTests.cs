using SdServerless.UnitTests.Pool;

namespace SdServerless.UnitTests.Dispatch;

public sealed class ModelCatalogTests
{
    private static int ModelListReads(DispatcherHarness harness) => harness.SdWebUi.Requests.Count(r => r.Path == "/sdapi/v1/sd-models");

    private static int FolderRescans(DispatcherHarness harness) => harness.SdWebUi.Requests.Count(r => r.Path == "/sdapi/v1/refresh-checkpoints");

    private static async Task RunAsync(DispatcherHarness harness, string id, string model) =>
        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(DispatcherHarness.Task(id, TaskType.TextToImage, """{"prompt":"x"}""", model: model)));

    [Fact]
    public async Task AKnownModelIsCheckedFromTheCache()
    {
        var harness = new DispatcherHarness();

        await RunAsync(harness, "a", FakeSdWebUi.Model);
        await RunAsync(harness, "b", "v1-5-pruned-emaonly");

        Assert.Equal(1, ModelListReads(harness));
        Assert.Equal(2, harness.SdWebUi.Generations.Count());
    }

    [Fact]
    public async Task AnUnknownModelMakesTheServerRescanItsFolderAtMostOncePerRefreshInterval()
    {
        var harness = new DispatcherHarness();
        await RunAsync(harness, "a", FakeSdWebUi.Model);
        Assert.Equal((1, 0), (ModelListReads(harness), FolderRescans(harness)));

        await RunAsync(harness, "b", "new-model.safetensors");
        await RunAsync(harness, "c", "new-model.safetensors");
        Assert.Equal((2, 1), (ModelListReads(harness), FolderRescans(harness)));

        harness.Clock.Advance(harness.Settings.ModelCatalogRefresh);
        await RunAsync(harness, "d", "new-model.safetensors");
        Assert.Equal((3, 2), (ModelListReads(harness), FolderRescans(harness)));
        Assert.Equal("unknown_model", (string?)(await harness.ResultAsync("d"))!["error"]!["type"]);
    }

    [Fact]
    public async Task AMessagePointingAtNoRequestIsPoison()
    {
        var harness = new DispatcherHarness();
        var record = await harness.SendAndReceiveAsync($$"""{"id_task":"lost","task_key":"{{TaskKeys.Request("lost")}}"}""");

        Assert.Single((await harness.DispatchAsync(record)).BatchItemFailures);
        Assert.Empty(harness.SdWebUi.Requests);
    }

    [Fact]
    public async Task TheLoadedCheckpointIsKnownFromItsHashNotFromTheDefaultInOptions()
    {
        var settings = new Functions.Dispatch.DispatcherOptions();
        var pool = InProcessPool.Create(settings.PoolRules, new Dictionary<string, string[]> { ["sdruntime"] = [DispatcherHarness.Endpoint] });
        var catalog = new Functions.Dispatch.ModelCatalog(
            new Functions.Dispatch.SdWebUiClient(new FakeSdWebUi { LoadedCheckpointHash = "6CE01616" }), pool.Registry, settings, new FakeTimeProvider(DispatcherHarness.Start));
        var otherPool = InProcessPool.Create(settings.PoolRules, new Dictionary<string, string[]> { ["sdruntime"] = [DispatcherHarness.Endpoint] });
        var otherCatalog = new Functions.Dispatch.ModelCatalog(
            new Functions.Dispatch.SdWebUiClient(new FakeSdWebUi { LoadedCheckpointHash = "0000000000" }), otherPool.Registry, settings, new FakeTimeProvider(DispatcherHarness.Start));

        await catalog.FindAsync("sdruntime", DispatcherHarness.Endpoint, "v1-5-pruned-emaonly", CancellationToken.None);
        await otherCatalog.FindAsync("sdruntime", DispatcherHarness.Endpoint, "v1-5-pruned-emaonly", CancellationToken.None);

        Assert.Equal(FakeSdWebUi.Model, await pool.LoadedModelAsync("sdruntime", DispatcherHarness.Endpoint));
        Assert.Null(await otherPool.LoadedModelAsync("sdruntime", DispatcherHarness.Endpoint));
    }
}
