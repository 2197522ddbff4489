namespace SdServerless.Core.Runtimes;

/// <summary>One runtime: a named pool of SD Web UI servers, the checkpoints it serves and its limits.</summary>
/// <remarks>Settable, not init-only: the JSON source generator drops the defaults of init-only properties absent from the file (dotnet/runtime#84484).</remarks>
public sealed class RuntimeConfig
{
    /// <summary>What requests name the runtime by (the task's runtime field); unique in a configuration.</summary>
    public required string Name { get; init; }

    /// <summary>Only "sdwebui" exists today.</summary>
    public string Type { get; set; } = "sdwebui";

    /// <summary>Base URLs of the SD Web UI servers (e.g. http://10.0.0.5:7861); several form one pool.</summary>
    public IReadOnlyList<string> Endpoints { get; set; } = [];

    /// <summary>
    /// Checkpoints this runtime serves, as its servers name them ("sub/x.safetensors", optionally with " [hash]");
    /// a task may name one by any alias SD Web UI accepts (see <see cref="SdWebUi.CheckpointAliases"/>).
    /// </summary>
    public IReadOnlyList<string> Models { get; set; } = [];

    /// <summary>Titles of the always-on scripts its servers have installed; null: SD Web UI 1.10's built-in ones.</summary>
    public IReadOnlyList<string>? AlwaysOnScripts { get; set; }

    /// <summary>The settings keys its servers know (what override_settings may name); null: SD Web UI 1.10's.</summary>
    public IReadOnlyList<string>? OptionKeys { get; set; }

    /// <summary>
    /// "user:password" of servers started with --api-auth: sent as HTTP Basic credentials, never in a URL or a log.
    /// </summary>
    public string? ApiAuth { get; set; }

    /// <summary>
    /// The same credentials kept in AWS Secrets Manager (the secret's ARN or name; its value "user:password"), so
    /// that they are in no configuration; read when the dispatcher first calls one of the runtime's servers, then again
    /// every few minutes. At most one of <see cref="ApiAuth"/> and this.
    /// </summary>
    public string? ApiAuthSecret { get; set; }

    /// <summary>The key prefix outputs are stored under when a request sets no save_dir (JSON <c>default_prefix</c>).</summary>
    public string DefaultPrefix { get; set; } = "output";

    /// <summary>
    /// This runtime's own task queue on AWS (JSON <c>queue_url</c>), so that its backlog never holds up another
    /// runtime's tasks; null: the deployment's shared task queue.
    /// </summary>
    public string? QueueUrl { get; set; }

    /// <summary>The limits tasks of this runtime are checked against at submission.</summary>
    public GenerationBounds Bounds { get; set; } = new();

    /// <summary>This runtime with another list of settings keys (what its servers report); everything else shared.</summary>
    public RuntimeConfig WithOptionKeys(IReadOnlyList<string> optionKeys)
    {
        var copy = (RuntimeConfig)MemberwiseClone();
        copy.OptionKeys = optionKeys;
        return copy;
    }

    /// <summary>This runtime with other servers; everything else shared.</summary>
    public RuntimeConfig WithEndpoints(IReadOnlyList<string> endpoints)
    {
        var copy = (RuntimeConfig)MemberwiseClone();
        copy.Endpoints = endpoints;
        return copy;
    }
}
