using SdServerless.Core;
using SdServerless.Core.Net;

namespace SdServerless.UnitTests.Api;

/// <summary>
/// Which override_settings keys the API accepts for a runtime configured without option_keys: SD Web UI 1.10's while
/// no server has published its own, then those every registered server published (an extension's settings included).
/// </summary>
public sealed class PublishedRuntimeCatalogTests
{
    private const string ExtensionSetting = "control_net_unit_count";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly InProcessPoolRegistry _registry;

    public PublishedRuntimeCatalogTests() => _registry = new InProcessPoolRegistry([], new PoolRules(), _clock);

    private TaskParser Parser(IPoolRegistry registry, RuntimeConfig runtime) =>
        new(new PublishedRuntimeCatalog([runtime], registry, _clock, NullLogger<PublishedRuntimeCatalog>.Instance).CurrentAsync, new UrlPolicy(false, false));

    private static RuntimeConfig Runtime(IReadOnlyList<string>? optionKeys = null) =>
        new() { Name = "sdruntime", Models = ["v1-5-pruned-emaonly.safetensors"], OptionKeys = optionKeys };

    private static Task<TaskParseResult> SubmitAsync(TaskParser parser, string setting) => parser.ParseAsync(
        Encoding.UTF8.GetBytes("""{"task":{"metadata":{"id":"t","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"x","override_settings":{""" + "\"" + setting + "\":1}}}}"),
        ApiVersion.V1Alpha2,
        CancellationToken.None);

    private Task JoinAsync(string url, params string[] optionKeys) =>
        _registry.RegisterAsync(new PoolServer { Runtime = "sdruntime", Url = url, OptionKeys = [.. SdServerless.Core.SdWebUi.SdWebUiDefaults.OptionKeys, .. optionKeys] }, CancellationToken.None);

    [Fact]
    public async Task AnExtensionsSettingIsAcceptedOnceEveryRegisteredServerPublishedIt()
    {
        var parser = Parser(_registry, Runtime());
        var refused = await SubmitAsync(parser, ExtensionSetting);
        Assert.Contains(refused.Errors, e => e.Field.Contains(ExtensionSetting, StringComparison.Ordinal));
        Assert.True((await SubmitAsync(parser, "CLIP_stop_at_last_layers")).IsValid);

        await JoinAsync("http://10.0.3.17:7861", ExtensionSetting);
        await JoinAsync("http://10.0.3.18:7861");
        _clock.Advance(PublishedRuntimeCatalog.RefreshInterval);
        Assert.False((await SubmitAsync(parser, ExtensionSetting)).IsValid);

        await JoinAsync("http://10.0.3.18:7861", ExtensionSetting);
        Assert.False((await SubmitAsync(parser, ExtensionSetting)).IsValid);
        _clock.Advance(PublishedRuntimeCatalog.RefreshInterval);
        Assert.True((await SubmitAsync(parser, ExtensionSetting)).IsValid);
        Assert.False((await SubmitAsync(parser, "no_such_setting")).IsValid);
    }

    [Fact]
    public async Task ConfiguredOptionKeysStandWhateverTheServersPublish()
    {
        await JoinAsync("http://10.0.3.17:7861", ExtensionSetting);
        var parser = Parser(_registry, Runtime(["CLIP_stop_at_last_layers"]));

        Assert.False((await SubmitAsync(parser, ExtensionSetting)).IsValid);
        Assert.True((await SubmitAsync(parser, "CLIP_stop_at_last_layers")).IsValid);
    }

    [Fact]
    public async Task AnUnreadableRegistryKeepsTheLastViewAndRefusesNothingForIt()
    {
        await JoinAsync("http://10.0.3.17:7861", ExtensionSetting);
        var registry = new FailingRegistry(_registry);
        var parser = Parser(registry, Runtime());
        Assert.True((await SubmitAsync(parser, ExtensionSetting)).IsValid);

        registry.Failing = true;
        _clock.Advance(PublishedRuntimeCatalog.RefreshInterval);

        Assert.True((await SubmitAsync(parser, ExtensionSetting)).IsValid);
        Assert.True(registry.Reads > 1, "the registry was not read again");
    }

    /// <summary>The registry's reads, failing as an unreachable table does while <see cref="Failing"/>.</summary>
    private sealed class FailingRegistry(IPoolRegistry inner) : IPoolRegistry
    {
        public bool Failing { get; set; }

        public int Reads { get; private set; }

        public async Task<IReadOnlyList<PoolServer>> ServersAsync(string runtime, CancellationToken cancellationToken)
        {
            Reads++;
            return Failing ? throw new DependencyUnavailableException("DynamoDB is unavailable") : await inner.ServersAsync(runtime, cancellationToken);
        }

        public Task RegisterAsync(PoolServer server, CancellationToken cancellationToken) => inner.RegisterAsync(server, cancellationToken);

        public Task<bool> HeartbeatAsync(string runtime, string url, CancellationToken cancellationToken) => inner.HeartbeatAsync(runtime, url, cancellationToken);

        public Task DeregisterAsync(string runtime, string url, CancellationToken cancellationToken) => inner.DeregisterAsync(runtime, url, cancellationToken);

        public Task<PoolLease?> AcquireAsync(LeaseRequest request, TimeSpan maxWait, CancellationToken cancellationToken) => inner.AcquireAsync(request, maxWait, cancellationToken);

        public Task ReleaseAsync(PoolLease lease, CancellationToken cancellationToken) => inner.ReleaseAsync(lease, cancellationToken);

        public Task<bool> IsRunningAsync(PoolLease lease, CancellationToken cancellationToken) => inner.IsRunningAsync(lease, cancellationToken);

        public Task ObserveLoadedModelAsync(string runtime, string url, string model, CancellationToken cancellationToken) =>
            inner.ObserveLoadedModelAsync(runtime, url, model, cancellationToken);

        public Task RecordDemandAsync(string runtime, string model, CancellationToken cancellationToken) =>
            inner.RecordDemandAsync(runtime, model, cancellationToken);
    }
}
