using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SdServerless.Emulator.Gpus;

namespace SdServerless.Emulator;

/// <summary>
/// An emulator of the SD Web UI (AUTOMATIC1111 1.10.1) API that returns placeholder PNGs, never Stable Diffusion
/// output. It models emulated GPUs serving one request at a time in arrival order, each with a loaded checkpoint.
/// Mount it with <see cref="SdWebUiEmulatorEndpoints.MapSdWebUiEmulator"/>, or run it on its own port with
/// <see cref="Build"/>, <see cref="EmulatorHost.StartAsync"/> or <see cref="RunAsync(EmulatorOptions, string, CancellationToken)"/>.
/// </summary>
public sealed partial class SdWebUiEmulator : IDisposable
{
    private readonly GpuPool _pool;
    private readonly Lock _jobsGate = new();
    private readonly List<GpuJob> _jobs = [];
    private readonly List<EmulatorJobRecord> _jobLog = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _modelsGate = new();
    private readonly List<string> _checkpointFiles;
    private readonly long _startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private List<EmulatorModel> _models;
    private long _requestSequence;
    private long _interrupts;

    /// <summary>An emulator with <see cref="EmulatorOptions.Workers"/> GPUs, each starting with the first configured checkpoint loaded.</summary>
    /// <param name="options">How it behaves; checked here.</param>
    /// <param name="logger">Where it logs its start; null: nowhere.</param>
    /// <exception cref="ArgumentException">An option is out of range (e.g. a negative delay).</exception>
    public SdWebUiEmulator(EmulatorOptions options, ILogger<SdWebUiEmulator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Logger = logger ?? NullLogger<SdWebUiEmulator>.Instance;
        _checkpointFiles = [.. options.Models.Distinct(StringComparer.Ordinal)];
        _models = [.. _checkpointFiles.Select((name, i) => EmulatorModel.FromName(name, hashed: i == 0 || options.HashAllModels))];
        Gpus = [.. Enumerable.Range(0, options.Workers).Select(i => new EmulatedGpu(i, _models[0]))];
        _pool = new GpuPool(Gpus, options.PreferLoadedModel);
        Settings = new EmulatorSettings(_models[0]);
        FaultInjector = options.Faults;
        LogStarted(Logger, Gpus.Count, string.Join(", ", options.Models), options.DelayPerImage.TotalMilliseconds,
            options.ModelSwitchDelay.TotalMilliseconds);
    }

    /// <summary>The options it was started with.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>
    /// The checkpoints /sdapi/v1/sd-models lists: what the server found the last time it read its checkpoint folder
    /// (at start, or on POST /sdapi/v1/refresh-checkpoints), not what the folder holds now.
    /// </summary>
    public IReadOnlyList<EmulatorModel> Models
    {
        get
        {
            lock (_modelsGate)
            {
                return [.. _models];
            }
        }
    }

    /// <summary>The emulated GPUs, by index: their loaded checkpoints and counters.</summary>
    public IReadOnlyList<EmulatedGpu> Gpus { get; }

    /// <summary>Replaces <see cref="EmulatorOptions.Faults"/> while running (tests change faults between phases).</summary>
    public Func<EmulatorRequest, EmulatorFault?>? FaultInjector { get; set; }

    /// <summary>Requests served by all GPUs (generation and extras), finished ones.</summary>
    public long RequestCount => Gpus.Sum(gpu => gpu.RequestCount);

    /// <summary>POST /sdapi/v1/interrupt calls received (whether or not a job was running).</summary>
    public long InterruptCount => Interlocked.Read(ref _interrupts);

    /// <summary>Checkpoint loads for requests on all GPUs together.</summary>
    public long ModelSwitches => Gpus.Sum(gpu => gpu.ModelSwitches);

    /// <summary>Time all GPUs together were held by requests, finished jobs only: utilisation is this over GPUs × elapsed.</summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(Gpus.Sum(gpu => gpu.BusyTime.Ticks));

    /// <summary>Most GPUs ever busy at the same time.</summary>
    public int PeakBusyGpus => _pool.PeakBusy;

    /// <summary>Every finished GPU job, in finishing order; empty unless <see cref="EmulatorOptions.RecordJobs"/>.</summary>
    public IReadOnlyList<EmulatorJobRecord> JobLog
    {
        get
        {
            lock (_jobsGate)
            {
                return [.. _jobLog];
            }
        }
    }

    /// <summary>Requests waiting for a GPU now.</summary>
    public int QueueLength => _pool.QueueLength;

    internal EmulatorSettings Settings { get; }

    internal ILogger Logger { get; }

    internal CancellationToken ShutdownToken => _shutdown.Token;

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

        // SD Web UI gzips answers at level 9 for clients that accept it.
        builder.Services.AddResponseCompression(compression =>
        {
            compression.Providers.Add(new GzipCompressionProvider(Microsoft.Extensions.Options.Options.Create(
                new GzipCompressionProviderOptions { Level = System.IO.Compression.CompressionLevel.SmallestSize })));
            compression.MimeTypes = ["application/json"];
        });
        var app = builder.Build();
        app.UseResponseCompression();
        app.MapSdWebUiEmulator(app.Services.GetRequiredService<SdWebUiEmulator>());
        return app;
    }

    /// <summary>
    /// Runs the emulator until stopped (Ctrl+C): the local host's <c>--emulator-only</c> mode, with the options of
    /// <see cref="EmulatorCommandLine"/> (--emulator-only itself is accepted and ignored). --help lists them and exits 0;
    /// bad options: exit code 2.
    /// </summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var commandLine = EmulatorCommandLine.CreateRoot((options, url, stop) => RunAsync(options, url, stop));
        return CommandLineParsing.InvokeAsync(commandLine.Command, args, cancellationToken: cancellationToken);
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
    public void Dispose() => _shutdown.Cancel();

    internal EmulatorRequest NextRequest(string method, string path, string acceptEncoding = "") =>
        new(method, path, Interlocked.Increment(ref _requestSequence), acceptEncoding);

    /// <returns>The record's index in the job log.</returns>
    internal int Record(EmulatorJobRecord record)
    {
        lock (_jobsGate)
        {
            _jobLog.Add(record);
            return _jobLog.Count - 1;
        }
    }

    /// <summary>Whether /sdapi still refuses connections (<see cref="EmulatorOptions.StartupDelay"/>).</summary>
    internal bool IsStarting => System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt) < Options.StartupDelay;

    /// <summary>
    /// Puts a checkpoint file into the emulated checkpoint folder, as an upload to a running server would; the server
    /// lists it only after POST /sdapi/v1/refresh-checkpoints (or a restart).
    /// </summary>
    public void AddCheckpointFile(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_modelsGate)
        {
            if (!_checkpointFiles.Contains(name, StringComparer.Ordinal))
            {
                _checkpointFiles.Add(name);
            }
        }
    }

    /// <summary>Re-reads the checkpoint folder: known files keep their state (hashed or not), new ones come unhashed.</summary>
    internal void RefreshCheckpoints()
    {
        lock (_modelsGate)
        {
            _models = [.. _checkpointFiles.Select(name => _models.FirstOrDefault(m => m.Name == name) ?? EmulatorModel.FromName(name, hashed: false))];
        }
    }

    /// <summary>The checkpoint <paramref name="alias"/> names exactly (SD Web UI's checkpoint_aliases), or null.</summary>
    internal EmulatorModel? FindModel(string? alias) =>
        alias is null ? null : Models.FirstOrDefault(model => model.Matches(alias));

    [LoggerMessage(Level = LogLevel.Information, Message = "SD Web UI emulator: {Gpus} emulated GPU(s), models {Models}, " +
        "{DelayMs} ms per image, {SwitchMs} ms per model switch. It returns PLACEHOLDER images; it is not Stable Diffusion.")]
    private static partial void LogStarted(ILogger logger, int gpus, string models, double delayMs, double switchMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "SD Web UI emulator listening on {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);
}
