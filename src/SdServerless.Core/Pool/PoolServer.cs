namespace SdServerless.Core.Pool;

/// <summary>
/// One SD Web UI server's entry in the pool registry: written by the server itself when it joins (its boot script,
/// a sidecar, or by hand), or configured as a fixed endpoint. Dispatchers read it to choose where a task runs.
/// </summary>
public sealed record PoolServer
{
    /// <summary>The runtime whose tasks the server takes (a runtime's servers all serve the same models).</summary>
    public required string Runtime { get; init; }

    /// <summary>Base URL the dispatcher calls, e.g. http://10.0.3.17:7861.</summary>
    public required string Url { get; init; }

    /// <summary>Generations the server runs at once (one per SD Web UI process).</summary>
    public int Gpus { get; init; } = 1;

    /// <summary>The checkpoint the server has loaded, as last reported or last sent to it; null when unknown.</summary>
    public string? LoadedModel { get; init; }

    /// <summary>Checkpoint titles on the server's disk when it joined (empty when it did not say).</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>SD Web UI option keys the server accepts in override_settings (empty when it did not say).</summary>
    public IReadOnlyList<string> OptionKeys { get; init; } = [];

    /// <summary>When the server last said it was alive; past <see cref="PoolRules.StaleAfter"/> it is no longer chosen.</summary>
    public DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>The EC2 instance behind the entry, when there is one (scale-in protection, diagnostics).</summary>
    public string? InstanceId { get; init; }

    /// <summary>A configured endpoint: never stale, never removed by a heartbeat check.</summary>
    public bool Fixed { get; init; }

    /// <summary>Whether two base URLs name the same server (a trailing slash and letter case aside).</summary>
    public static bool SameUrl(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
