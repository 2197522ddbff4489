using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace SdServerless.Emulator;

/// <summary>
/// The emulator running on its own Kestrel listener, for tests and benchmarks:
/// <c>await using var host = await EmulatorHost.StartAsync(options);</c> then call <see cref="BaseUrl"/>.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Emulator = app.Services.GetRequiredService<SdWebUiEmulator>();
    }

    /// <summary>The address it listens on, e.g. http://127.0.0.1:41234/ (ends with a slash).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The emulator behind the listener: its GPUs, counters, job log and fault injector, for the test to drive and check.</summary>
    public SdWebUiEmulator Emulator { get; }

    /// <summary>Starts on <paramref name="url"/>; the default picks a free loopback port.</summary>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, string url = "http://127.0.0.1:0",
        CancellationToken cancellationToken = default)
    {
        var app = SdWebUiEmulator.Build(options, url);
        try
        {
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
                .Addresses.First();
            return new EmulatorHost(app, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends the emulator's GPU waits, then stops the listener and frees its port.</summary>
    public async ValueTask DisposeAsync()
    {
        Emulator.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
