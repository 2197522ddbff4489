namespace SdServerless.Core.Runtimes;

/// <summary>One runtime: a named pool of SD Web UI servers, the checkpoints it serves and its limits.</summary>
/// <remarks>Settable, not init-only: the JSON source generator drops the defaults of init-only properties absent from the file (dotnet/runtime#84484).</remarks>
public sealed class RuntimeConfig
{
    public required string Name { get; init; }

    /// <summary>Only "sdwebui" exists today.</summary>
    public string Type { get; set; } = "sdwebui";

    /// <summary>Base URLs of the SD Web UI servers (e.g. http://10.0.0.5:7861); several form one pool.</summary>
    public IReadOnlyList<string> Endpoints { get; set; } = [];

    /// <summary>Checkpoint names (sd_model_checkpoint values) this runtime serves.</summary>
    public IReadOnlyList<string> Models { get; set; } = [];

    public string DefaultPrefix { get; set; } = "output";

    /// <summary>
    /// This runtime's own task queue on AWS (JSON <c>queue_url</c>), so that its backlog never holds up another
    /// runtime's tasks; null: the deployment's shared task queue.
    /// </summary>
    public string? QueueUrl { get; set; }

    public GenerationBounds Bounds { get; set; } = new();
}
