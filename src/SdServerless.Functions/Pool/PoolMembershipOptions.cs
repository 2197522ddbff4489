namespace SdServerless.Functions.Pool;

/// <summary>Who a server is in the pool and how often it says it is alive.</summary>
public sealed class PoolMembershipOptions
{
    /// <summary>The runtime whose pool the server joins.</summary>
    public required string Runtime { get; init; }

    /// <summary>SD Web UI's base URL as dispatchers reach it, e.g. http://10.0.3.17:7861; also where it is probed.</summary>
    public required string Url { get; init; }

    /// <summary>Generations the server runs at once (one per SD Web UI process).</summary>
    public int Gpus { get; init; } = 1;

    /// <summary>The EC2 instance behind the server, when there is one.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Well inside the registry's stale limit (60 s), so one lost heartbeat does not drop the server.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Pause between probes while SD Web UI is not answering yet (booting, loading its checkpoint).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Deregistering when stopped: bounded, so a registry outage cannot hold the shutdown.</summary>
    public TimeSpan DeregisterTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
