namespace SdServerless.Emulator;

/// <summary>How the SD Web UI emulator behaves. All values have working defaults.</summary>
public sealed class EmulatorOptions
{
    public const string DefaultModel = "v1-5-pruned-emaonly.safetensors";

    /// <summary>Emulated GPUs behind the one URL; each serves one request at a time, in arrival order.</summary>
    public int Workers { get; set; } = 1;

    /// <summary>Emulated GPU time per generated image (extras: per request).</summary>
    public TimeSpan DelayPerImage { get; set; } = TimeSpan.Zero;

    /// <summary>Checkpoint names served, as /sdapi/v1/sd-models lists them; the first is loaded at start.</summary>
    public IList<string> Models { get; set; } = [DefaultModel];

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

        if (DelayPerImage < TimeSpan.Zero || ModelSwitchDelay < TimeSpan.Zero)
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
    }
}
