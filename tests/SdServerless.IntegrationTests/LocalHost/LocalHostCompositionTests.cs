using SdServerless.Functions.Pool;
using Host = SdServerless.Local.Hosting.LocalHost;
using LocalHostOptions = SdServerless.Local.Hosting.LocalHostOptions;

namespace SdServerless.IntegrationTests.LocalHost;

/// <summary>The local host in this process: a test changes its services on the real host, and it logs through one factory.</summary>
[Trait("Category", "Integration")]
public sealed class LocalHostCompositionTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("sdserverless-composition-").FullName;
    private readonly ConcurrentQueue<string> _lines = new();
    private Host _host = null!;

    public async Task InitializeAsync() =>
        _host = await Host.StartAsync(
            new LocalHostOptions { Urls = $"http://127.0.0.1:{LoopbackPort.Next()}", DataDirectory = _data, EmulatorWorkers = 2 },
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(new LineLoggerProvider(_lines));
                builder.Services.Configure<DispatcherOptions>(dispatcher => dispatcher.ModelAffinity = false);
                builder.Services.Configure<EmulatorOptions>(emulator =>
                {
                    emulator.RecordJobs = true;
                    emulator.Workers = 3;
                });
            });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public void ATestsChangeToTheDispatcherOptionsReachesTheDispatcherAndTheHostsOwnBindingStays()
    {
        var settings = _host.App.Services.GetRequiredService<DispatcherOptions>();

        Assert.False(settings.ModelAffinity);
        Assert.Equal(1, settings.RequestsAheadPerSlot);
        Assert.Equal(TimeSpan.FromSeconds(new LocalHostOptions().TaskTimeoutSeconds), settings.GenerationTimeout);
        // The dispatcher gives the built-in emulator as many slots as the GPUs it was started with, the test's 3 over the
        // command line's 2.
        Assert.Equal(3, settings.CapacityOf(_host.Pipeline.Emulator!.BaseUrl.ToString().TrimEnd('/')));
        Assert.Same(_host.App.Services.GetRequiredService<InProcessPoolRegistry>(), _host.App.Services.GetRequiredService<IPoolRegistry>());
    }

    [Fact]
    public void ATestsChangeToTheEmulatorOptionsReachesTheBuiltInEmulator() =>
        Assert.Equal((true, 3), (_host.Pipeline.Emulator!.Emulator.Options.RecordJobs, _host.Pipeline.Emulator.Emulator.Options.Workers));

    [Fact]
    public void EveryPartLogsThroughTheHostsOneLoggerFactory()
    {
        Assert.Same(_host.App.Services.GetRequiredService<ILoggerFactory>(), _host.Loggers);
        Assert.Contains(_lines, line => line.Contains("SD Web UI emulator on", StringComparison.Ordinal));
        Assert.Contains(_lines, line => line.Contains("local host listening on", StringComparison.Ordinal));
    }

    private sealed class LineLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new LineLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class LineLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
