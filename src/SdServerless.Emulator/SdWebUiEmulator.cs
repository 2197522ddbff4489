using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SdServerless.Emulator.Gpus;

namespace SdServerless.Emulator;

/// <summary>
/// An emulator of the SD Web UI (AUTOMATIC1111 1.10.1) API that returns placeholder PNGs, never Stable Diffusion
/// output. It models emulated GPUs serving one request at a time in arrival order, each with a loaded checkpoint.
/// Mount it with <see cref="SdWebUiEmulatorEndpoints.MapSdWebUiEmulator"/>, or run it on its own port with
/// <see cref="Build"/>, <see cref="EmulatorHost.StartAsync"/> or <see cref="RunAsync"/>.
/// </summary>
public sealed partial class SdWebUiEmulator : IDisposable
{
    private readonly GpuPool pool;
    private readonly Lock jobsGate = new();
    private readonly List<GpuJob> jobs = [];
    private readonly List<EmulatorJobRecord> jobLog = [];
    private readonly CancellationTokenSource shutdown = new();
    private long requestSequence;
    private long interrupts;

    public SdWebUiEmulator(EmulatorOptions options, ILogger<SdWebUiEmulator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Logger = logger ?? NullLogger<SdWebUiEmulator>.Instance;
        Models = [.. options.Models.Distinct(StringComparer.Ordinal).Select(EmulatorModel.FromName)];
        Gpus = [.. Enumerable.Range(0, options.Workers).Select(i => new EmulatedGpu(i, Models[0]))];
        pool = new GpuPool(Gpus, options.PreferLoadedModel);
        Settings = new EmulatorSettings(Models[0]);
        FaultInjector = options.Faults;
        LogStarted(Logger, Gpus.Count, string.Join(", ", options.Models), options.DelayPerImage.TotalMilliseconds,
            options.ModelSwitchDelay.TotalMilliseconds);
    }

    public EmulatorOptions Options { get; }

    public IReadOnlyList<EmulatorModel> Models { get; }

    public IReadOnlyList<EmulatedGpu> Gpus { get; }

    /// <summary>Replaces <see cref="EmulatorOptions.Faults"/> while running (tests change faults between phases).</summary>
    public Func<EmulatorRequest, EmulatorFault?>? FaultInjector { get; set; }

    /// <summary>Requests served by all GPUs (generation and extras), finished ones.</summary>
    public long RequestCount => Gpus.Sum(gpu => gpu.RequestCount);

    /// <summary>POST /sdapi/v1/interrupt calls received (whether or not a job was running).</summary>
    public long InterruptCount => Interlocked.Read(ref interrupts);

    public long ModelSwitches => Gpus.Sum(gpu => gpu.ModelSwitches);

    public TimeSpan BusyTime => TimeSpan.FromTicks(Gpus.Sum(gpu => gpu.BusyTime.Ticks));

    /// <summary>Most GPUs ever busy at the same time.</summary>
    public int PeakBusyGpus => pool.PeakBusy;

    /// <summary>Every finished GPU job, in finishing order; empty unless <see cref="EmulatorOptions.RecordJobs"/>.</summary>
    public IReadOnlyList<EmulatorJobRecord> JobLog
    {
        get
        {
            lock (jobsGate)
            {
                return [.. jobLog];
            }
        }
    }

    /// <summary>Requests waiting for a GPU now.</summary>
    public int QueueLength => pool.QueueLength;

    internal EmulatorSettings Settings { get; }

    internal ILogger Logger { get; }

    internal CancellationToken ShutdownToken => shutdown.Token;

    /// <summary>A web application serving only the emulator at <paramref name="url"/> (port 0 picks a free port).</summary>
    public static WebApplication Build(EmulatorOptions options, string url)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Api.FaultGate.MaxBodyBytes);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        // The emulator's own lines matter; ASP.NET Core's per-request information lines would drown them.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(services =>
            new SdWebUiEmulator(options, services.GetRequiredService<ILogger<SdWebUiEmulator>>()));
        var app = builder.Build();
        app.MapSdWebUiEmulator(app.Services.GetRequiredService<SdWebUiEmulator>());
        return app;
    }

    /// <summary>
    /// Runs the emulator until stopped (Ctrl+C): the local host's <c>--emulator-only</c> mode. Options: --urls,
    /// --emulator-workers, --emulator-delay-ms, --models a,b (or --emulator-models), --model-switch-ms
    /// (or --emulator-model-switch-ms); --emulator-only itself is accepted and ignored. Bad options: exit code 2.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!EmulatorCommandLine.TryParse(args, out var options, out var url, out var error))
        {
            await Console.Error.WriteLineAsync(error + Environment.NewLine + EmulatorCommandLine.Usage);
            return 2;
        }

        return await RunAsync(options, url, cancellationToken);
    }

    /// <summary>Runs the emulator with options the caller parsed itself, until stopped.</summary>
    public static async Task<int> RunAsync(EmulatorOptions options, string url, CancellationToken cancellationToken = default)
    {
        await using var app = Build(options, url);
        await app.StartAsync(cancellationToken);
        LogListening(app.Services.GetRequiredService<SdWebUiEmulator>().Logger, string.Join(", ", app.Urls));
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>Ends every wait for or on a GPU (the token source stays usable for requests still finishing).</summary>
    public void Dispose() => shutdown.Cancel();

    internal EmulatorRequest NextRequest(string method, string path) =>
        new(method, path, Interlocked.Increment(ref requestSequence));

    /// <returns>The record's index in the job log.</returns>
    internal int Record(EmulatorJobRecord record)
    {
        lock (jobsGate)
        {
            jobLog.Add(record);
            return jobLog.Count - 1;
        }
    }

    internal EmulatorModel? FindModel(string? alias) =>
        alias is null ? null : Models.FirstOrDefault(model => model.Matches(alias));

    [LoggerMessage(Level = LogLevel.Information, Message = "SD Web UI emulator: {Gpus} emulated GPU(s), models {Models}, " +
        "{DelayMs} ms per image, {SwitchMs} ms per model switch. It returns PLACEHOLDER images; it is not Stable Diffusion.")]
    private static partial void LogStarted(ILogger logger, int gpus, string models, double delayMs, double switchMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "SD Web UI emulator listening on {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);
}
