using Microsoft.Extensions.Time.Testing;
using SdServerless.Functions.Pool;

namespace SdServerless.IntegrationTests.Pool;

/// <summary>A server's registration loop against the SD Web UI emulator on loopback and an in-process registry.</summary>
[Trait("Category", "Integration")]
public sealed class PoolMembershipTests : IAsyncLifetime
{
    private const string Runtime = "sdruntime";
    private static readonly string[] Models = ["model-a.safetensors", "model-b.safetensors"];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly SdWebUiClient _sdWebUi = new(new DispatcherOptions());
    private readonly CancellationTokenSource _stop = new();
    private readonly InProcessPoolRegistry _registry;
    private EmulatorHost? _emulator;

    public PoolMembershipTests() => _registry = new InProcessPoolRegistry([], new PoolRules(), _clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        _sdWebUi.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task AServerJoinsWithWhatSdWebUiReportsAndLeavesWhenStopped()
    {
        var url = await StartEmulatorAsync();
        var membership = Membership(url, gpus: 2);
        var running = membership.RunAsync(_stop.Token);

        await membership.Joined.WaitAsync(Bound);
        var server = Assert.Single(await _registry.ServersAsync(Runtime, default));
        Assert.Equal((url, 2, EmulatorModel.FromName(Models[0]).Title), (server.Url, server.Gpus, server.LoadedModel));
        // The titles SD Web UI lists: a checkpoint is hashed (its title gets " [hash]") only once it has been loaded.
        var listed = (await _sdWebUi.GetModelsAsync(url, default)).Select(m => m.Title).ToList();
        Assert.Equal(Models.Length, listed.Count);
        Assert.Equal(listed, server.Models);
        Assert.Contains("sd_model_checkpoint", server.OptionKeys);
        Assert.Contains("CLIP_stop_at_last_layers", server.OptionKeys);

        await _stop.CancelAsync();
        await running.WaitAsync(Bound);
        Assert.Empty(await _registry.ServersAsync(Runtime, default));
    }

    [Fact]
    public async Task AServerJoinsOnlyOnceSdWebUiAnswers()
    {
        var port = LoopbackPort.Next();
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var membership = Membership(url);
        var running = membership.RunAsync(_stop.Token);

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(membership.Joined.IsCompleted);
        Assert.Empty(await _registry.ServersAsync(Runtime, default));

        await StartEmulatorAsync(url);
        await membership.Joined.WaitAsync(Bound);
        Assert.Equal(url, Assert.Single(await _registry.ServersAsync(Runtime, default)).Url);
        await _stop.CancelAsync();
        await running.WaitAsync(Bound);
    }

    [Fact]
    public async Task HeartbeatsKeepTheEntryFresh()
    {
        var membership = Membership(await StartEmulatorAsync());
        _ = membership.RunAsync(_stop.Token);
        await membership.Joined.WaitAsync(Bound);

        // Past half the stale limit, the next heartbeat stamps the entry; past the limit from joining, it is still listed.
        _clock.Advance(TimeSpan.FromSeconds(50));
        await UntilAsync(async () => (await _registry.ServersAsync(Runtime, default)).SingleOrDefault()?.HeartbeatAt == _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(50));

        Assert.Single(await _registry.ServersAsync(Runtime, default));
    }

    [Fact]
    public async Task AHeartbeatThatFindsNoEntryJoinsAgain()
    {
        var url = await StartEmulatorAsync();
        var membership = Membership(url);
        _ = membership.RunAsync(_stop.Token);
        await membership.Joined.WaitAsync(Bound);

        await _registry.DeregisterAsync(Runtime, url, default);

        await UntilAsync(async () => (await _registry.ServersAsync(Runtime, default)).Count == 1);
        Assert.True(await _registry.HeartbeatAsync(Runtime, url, default));
    }

    [Fact]
    public async Task StoppingBeforeSdWebUiAnswersLeavesNoEntry()
    {
        var membership = Membership(MotoServer.ClosedPortUrl());
        var running = membership.RunAsync(_stop.Token);

        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await _stop.CancelAsync();
        await running.WaitAsync(Bound);

        Assert.True(membership.Joined.IsCanceled);
        Assert.Empty(await _registry.ServersAsync(Runtime, default));
    }

    private PoolMembership Membership(string url, int gpus = 1) => new(
        _registry,
        _sdWebUi,
        new PoolMembershipOptions
        {
            Runtime = Runtime,
            Url = url,
            Gpus = gpus,
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            ProbeInterval = TimeSpan.FromMilliseconds(100),
        },
        NullLogger<PoolMembership>.Instance);

    private async Task<string> StartEmulatorAsync(string url = "http://127.0.0.1:0")
    {
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Workers = 2, Models = Models }, url);
        return _emulator.BaseUrl.ToString().TrimEnd('/');
    }

    private static Task UntilAsync(Func<Task<bool>> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        Eventually.TrueAsync(condition, Bound, what);
}
