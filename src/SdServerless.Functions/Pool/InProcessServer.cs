using SdServerless.Core.Pool;

namespace SdServerless.Functions.Pool;

/// <summary>
/// One server's slots in <see cref="InProcessPoolRegistry"/>, shared by every runtime that lists its URL (the local
/// host's emulator serves them all). Not thread-safe: the registry's lock guards it.
/// </summary>
internal sealed class InProcessServer(string url, int gpus)
{
    /// <summary>Unexpired leases in the order they were taken: the first <see cref="Gpus"/> run, the rest wait.</summary>
    private readonly List<PoolLease> _leases = [];

    public string Url { get; } = url;

    public int Gpus { get; set; } = Math.Max(1, gpus);

    public string? LoadedModel { get; set; }

    public int Leased(DateTimeOffset now)
    {
        // A holder that never released (a crashed worker) frees its slot once the lease runs out.
        _leases.RemoveAll(l => l.ExpiresAt <= now);
        return _leases.Count;
    }

    public PoolOccupancy Occupancy(PoolRules rules, DateTimeOffset now) => new(Gpus, rules.SlotsOf(Gpus), Leased(now), LoadedModel);

    public PoolLease Lease(LeaseRequest request, DateTimeOffset now)
    {
        Leased(now);
        var slot = 0;
        while (_leases.Exists(l => l.Slot == slot))
        {
            slot++;
        }

        var lease = new PoolLease(request.Runtime, Url, slot, Guid.NewGuid().ToString("N"), request.TaskId, request.Model, now, now + request.Duration);
        _leases.Add(lease);
        if (request.Model is not null)
        {
            // The request carries the checkpoint in override_settings: SD Web UI keeps it loaded afterwards.
            LoadedModel = request.Model;
        }

        return lease;
    }

    /// <summary>False when the lease is no longer held (released already, or expired and taken over).</summary>
    public bool Release(PoolLease lease) => _leases.RemoveAll(l => l.Owner == lease.Owner) > 0;

    public bool IsRunning(PoolLease lease, DateTimeOffset now)
    {
        Leased(now);
        var position = _leases.FindIndex(l => l.Owner == lease.Owner);
        return position >= 0 && position < Gpus;
    }
}
