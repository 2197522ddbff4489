using SdServerless.Core.Pool;

namespace SdServerless.Testing;

/// <summary>
/// A registry (the in-process one, usually) except for what the test scripts: what IsRunningAsync answers, and whether a
/// lease is refused at once as a registry that gives way to the tasks behind it does.
/// </summary>
public sealed class ScriptedPoolRegistry(IPoolRegistry inner, bool running) : IPoolRegistry
{
    private readonly TaskCompletionSource<LeaseRequest> _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _runningChecks;

    /// <summary>What IsRunningAsync answers from now on.</summary>
    public bool Running
    {
        get => Volatile.Read(ref running);
        set => Volatile.Write(ref running, value);
    }

    public int RunningChecks => _runningChecks;

    public Task RegisterAsync(PoolServer server, CancellationToken cancellationToken) => inner.RegisterAsync(server, cancellationToken);

    public Task<bool> HeartbeatAsync(string runtime, string url, CancellationToken cancellationToken) => inner.HeartbeatAsync(runtime, url, cancellationToken);

    public Task DeregisterAsync(string runtime, string url, CancellationToken cancellationToken) => inner.DeregisterAsync(runtime, url, cancellationToken);

    public Task<IReadOnlyList<PoolServer>> ServersAsync(string runtime, CancellationToken cancellationToken) => inner.ServersAsync(runtime, cancellationToken);

    /// <summary>The lease asked for last.</summary>
    public LeaseRequest? LastRequest { get; private set; }

    /// <summary>Completes with the first lease asked for.</summary>
    public Task<LeaseRequest> Asked => _asked.Task;

    /// <summary>Every lease is refused at once, before its wait ends.</summary>
    public bool GivesWay { get; set; }

    public Task<PoolLease?> AcquireAsync(LeaseRequest request, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        LastRequest = request;
        _asked.TrySetResult(request);
        return GivesWay ? System.Threading.Tasks.Task.FromResult<PoolLease?>(null) : inner.AcquireAsync(request, maxWait, cancellationToken);
    }

    public Task ReleaseAsync(PoolLease lease, CancellationToken cancellationToken) => inner.ReleaseAsync(lease, cancellationToken);

    public Task<bool> IsRunningAsync(PoolLease lease, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runningChecks);
        return System.Threading.Tasks.Task.FromResult(Running);
    }

    public Task ObserveLoadedModelAsync(string runtime, string url, string model, CancellationToken cancellationToken) =>
        inner.ObserveLoadedModelAsync(runtime, url, model, cancellationToken);

    public Task RecordDemandAsync(string runtime, string model, CancellationToken cancellationToken) =>
        inner.RecordDemandAsync(runtime, model, cancellationToken);
}
