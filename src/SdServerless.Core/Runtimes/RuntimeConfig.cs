namespace SdServerless.Core.Runtimes;

/// <summary>One runtime: a named pool of SD Web UI servers, the checkpoints it serves and its limits.</summary>
public sealed class RuntimeConfig
{
    public required string Name { get; init; }

    /// <summary>Only "sdwebui" exists today.</summary>
    public string Type { get; init; } = "sdwebui";

    /// <summary>Base URLs of the SD Web UI servers (e.g. http://10.0.0.5:7861); several form one pool.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Checkpoint names (sd_model_checkpoint values) this runtime serves.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    public string DefaultPrefix { get; init; } = "output";

    public GenerationBounds Bounds { get; init; } = new();
}
