namespace SdServerless.Core.Pool;

/// <summary>
/// The pool registry port: which SD Web UI servers a runtime has, what each has loaded, and which of their slots are
/// leased. The local host keeps it in memory; on AWS it is a DynamoDB table every dispatcher invocation shares.
/// A server has <c>Gpus × (1 + requests ahead)</c> slots; a lease is taken with a conditional write (the slot is free
/// or its lease expired) and released by its owner. Entries whose heartbeat is older than the registry's stale limit
/// are never chosen. Implementations throw <see cref="DependencyUnavailableException"/> when the registry cannot be
/// reached.
/// </summary>
public interface IPoolRegistry
{
    /// <summary>Adds or replaces a server's entry and stamps its heartbeat.</summary>
    Task RegisterAsync(PoolServer server, CancellationToken cancellationToken);

    /// <summary>Refreshes a registered server's heartbeat; false when it has no entry (it must register again).</summary>
    Task<bool> HeartbeatAsync(string runtime, string url, CancellationToken cancellationToken);

    /// <summary>Removes a server's entry; its leases expire on their own.</summary>
    Task DeregisterAsync(string runtime, string url, CancellationToken cancellationToken);

    /// <summary>The runtime's servers that are fresh (or fixed), with what each has loaded.</summary>
    Task<IReadOnlyList<PoolServer>> ServersAsync(string runtime, CancellationToken cancellationToken);

    /// <summary>
    /// Leases a slot for the task on a server it may use (<see cref="LeaseRequest.Avoid"/>), preferring one that has its checkpoint loaded, waiting up to
    /// <paramref name="maxWait"/> for one to free up. Null: no registered server could take the task in that time
    /// (pool at zero, booting, or all busy); the caller puts the task back without spending an attempt. Null before
    /// <paramref name="maxWait"/> has passed: the registry gives the task back early, since tasks still in the queue
    /// could use a free slot this one may not take; the caller puts it back to be received again soon, not after a backoff.
    /// </summary>
    Task<PoolLease?> AcquireAsync(LeaseRequest request, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Frees the slot, unless the lease already expired and was taken over.</summary>
    Task ReleaseAsync(PoolLease lease, CancellationToken cancellationToken);

    /// <summary>
    /// True when the lease's request is the one the server's GPU runs now, not one queued behind another's: only
    /// then may its holder interrupt the server.
    /// </summary>
    Task<bool> IsRunningAsync(PoolLease lease, CancellationToken cancellationToken);

    /// <summary>Records the checkpoint a server reports as loaded (affinity); unknown servers are ignored.</summary>
    Task ObserveLoadedModelAsync(string runtime, string url, string model, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a task accepted for a checkpoint of the runtime (less the leases released for it, an estimate of its
    /// backlog), so that the pool gives each checkpoint servers in proportion to what waits in the queue, not only to
    /// what the dispatchers hold at the moment. A registry that sees every waiting task itself (the local host's) need
    /// not count.
    /// </summary>
    Task RecordDemandAsync(string runtime, string model, CancellationToken cancellationToken);
}
