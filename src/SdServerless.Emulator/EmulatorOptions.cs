namespace SdServerless.Emulator;

/// <summary>How the SD Web UI emulator behaves. All values have working defaults.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The checkpoint served when no other is configured: the one the documented examples and the default runtime name.</summary>
    public const string DefaultModel = "v1-5-pruned-emaonly.safetensors";

    /// <summary>Emulated GPUs behind the one URL; each serves one request at a time, in arrival order.</summary>
    public int Workers { get; set; } = 1;

    /// <summary>Emulated GPU time per generated image (extras: per request).</summary>
    public TimeSpan DelayPerImage { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Checkpoint files served, as paths under the checkpoint folder ("x.safetensors", "sub/y.ckpt"); the first is the
    /// default, loaded (and so hashed) at start. The others are listed unhashed until first loaded, unless
    /// <see cref="HashAllModels"/>. More files can be added while running (<see cref="SdWebUiEmulator.AddCheckpointFile"/>).
    /// </summary>
    public IList<string> Models { get; set; } = [DefaultModel];

    /// <summary>Every checkpoint's sha256 is known from the start (a server whose hash cache has them all).</summary>
    public bool HashAllModels { get; set; }

    /// <summary>Titles of the installed always-on scripts (alwayson_scripts keys, compared case-insensitively).</summary>
    public IList<string> AlwaysOnScripts { get; set; } = [.. SdWebUiFacts.AlwaysOnScripts];

    /// <summary>Titles of the installed selectable scripts (script_name).</summary>
    public IList<string> SelectableScripts { get; set; } = [.. SdWebUiFacts.SelectableScripts];

    /// <summary>The settings keys /sdapi/v1/options knows; override_settings naming another fails (500 KeyError).</summary>
    public IList<string> OptionKeys { get; set; } = [.. SdWebUiFacts.OptionKeys];

    /// <summary>"user:password": SD Web UI's --api-auth, HTTP Basic on every /sdapi route (401 without it).</summary>
    public string? ApiAuth { get; set; }

    /// <summary>SD Web UI's --freeze-settings: any override_settings change fails (500 AssertionError).</summary>
    public bool FreezeSettings { get; set; }

    /// <summary>The api_enable_requests option (on in 1.10): http(s) inputs are allowed to public hosts.</summary>
    public bool ApiEnableRequests { get; set; } = true;

    /// <summary>Time from start until /sdapi answers (a real server loads its modules and default checkpoint first).</summary>
    public TimeSpan StartupDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Time an emulated GPU takes to load a different checkpoint (disk to GPU on a real server).</summary>
    public TimeSpan ModelSwitchDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When several GPUs are free, give a request one that already has its checkpoint loaded.
    /// Off, the first free GPU is taken (benchmarks compare both).
    /// </summary>
    public bool PreferLoadedModel { get; set; } = true;

    /// <summary>
    /// Keep a <see cref="EmulatorJobRecord"/> of every GPU job in <see cref="SdWebUiEmulator.JobLog"/> (benchmarks
    /// measure queue wait and GPU time per task with it). Off by default: the log grows with every request.
    /// </summary>
    public bool RecordJobs { get; set; }

    /// <summary>
    /// Called for every /sdapi request before it is handled; a fault it returns replaces or delays the normal answer.
    /// <see cref="ScriptedFaults"/> builds common scripts ("503 twice, then normal").
    /// </summary>
    public Func<EmulatorRequest, EmulatorFault?>? Faults { get; set; }

    /// <summary>
    /// Random low bits in every colour byte of the placeholders (0 to 8), so that they compress like photographs: at 1,
    /// a 1024×1024 PNG is about 1.6 MB, as SD Web UI's are (1-2 MB), where flat placeholders take tens of KB. 0, the
    /// default, keeps images small and cheap to encode.
    /// </summary>
    public int ImageNoiseBits { get; set; }

    /// <summary>Largest emulated image side; above it a request fails as an out-of-memory error would.</summary>
    public int MaxImageSide { get; set; } = 8192;

    /// <summary>Most images one request may ask for (batch_size × n_iter); above it the request fails as out of memory.</summary>
    public int MaxImagesPerRequest { get; set; } = 256;

    internal void Validate()
    {
        if (Workers < 1)
        {
            throw new ArgumentException("The emulator needs at least one worker (emulated GPU).");
        }

        if (DelayPerImage < TimeSpan.Zero || ModelSwitchDelay < TimeSpan.Zero || StartupDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("Emulator delays cannot be negative.");
        }

        if (ImageNoiseBits is < 0 or > 8)
        {
            throw new ArgumentException("Image noise bits go from 0 to 8.");
        }

        if (Models.Count == 0 || Models.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("The emulator needs at least one model name, and no empty names.");
        }

        if (ApiAuth is { } auth && auth.IndexOf(':', StringComparison.Ordinal) <= 0)
        {
            throw new ArgumentException("ApiAuth takes \"user:password\", as SD Web UI's --api-auth does.");
        }
    }
}
