using Amazon.DynamoDBv2.Model;
using SdServerless.Core.Pool;
using SdServerless.Core.SdWebUi;

namespace SdServerless.Aws.Pool;

/// <summary>
/// A runtime's pool as one consistent Query saw it: the servers that may be chosen (fresh ones and the configured
/// endpoints), the unexpired leases on them, oldest first, and the dispatchers still waiting for a slot.
/// </summary>
internal sealed class PoolSnapshot
{
    private readonly Dictionary<string, List<PoolLease>> _leases = new(StringComparer.Ordinal);
    private readonly List<PoolWaiter> _waiters = [];
    private readonly Dictionary<string, (long Submitted, long Released)> _demand = new(StringComparer.Ordinal);

    public PoolSnapshot(string runtime, IEnumerable<Dictionary<string, AttributeValue>> items, IEnumerable<PoolServer> fixedServers, DateTimeOffset now)
    {
        var fixedByUrl = fixedServers.Where(s => s.Runtime == runtime).ToDictionary(s => s.Url, StringComparer.Ordinal);
        var servers = new List<PoolServer>();
        foreach (var item in items)
        {
            var sortKey = item[PoolItems.SortKey].S;
            if (sortKey.StartsWith(PoolItems.ServerPrefix, StringComparison.Ordinal))
            {
                var server = PoolItems.ToServer(runtime, item);
                if (fixedByUrl.Remove(server.Url, out var configured))
                {
                    // A configured endpoint's item only adds what it reported; the configuration says it belongs.
                    servers.Add(server with { Gpus = item.ContainsKey(PoolItems.Gpus) ? server.Gpus : configured.Gpus, Fixed = true });
                }
                else if (now - server.HeartbeatAt <= PoolRules.StaleAfter)
                {
                    servers.Add(server);
                }
            }
            else if (sortKey.StartsWith(PoolItems.LeasePrefix, StringComparison.Ordinal))
            {
                var lease = PoolItems.ToLease(runtime, item);
                if (lease.ExpiresAt > now)
                {
                    LeasesOf(lease.Url, create: true).Add(lease);
                }
            }
            else if (sortKey.StartsWith(PoolItems.DemandPrefix, StringComparison.Ordinal))
            {
                var (minute, model, submitted, released) = PoolItems.ToDemand(item);
                if (DateTimeOffset.FromUnixTimeSeconds(minute * 60) >= now - PoolItems.DemandWindow)
                {
                    var (submittedBefore, releasedBefore) = _demand.GetValueOrDefault(model);
                    _demand[model] = (submittedBefore + submitted, releasedBefore + released);
                }
            }
            else if (sortKey.StartsWith(PoolItems.WaiterPrefix, StringComparison.Ordinal))
            {
                var waiter = PoolItems.ToWaiter(runtime, item);
                if (waiter.ExpiresAt > now)
                {
                    _waiters.Add(waiter);
                }
            }
        }

        // A waiter that got its lease is no longer waiting, whether or not its item is gone yet.
        var holders = _leases.Values.SelectMany(l => l).Select(l => l.Owner).ToHashSet(StringComparer.Ordinal);
        _waiters.RemoveAll(w => holders.Contains(w.Owner));

        servers.AddRange(fixedByUrl.Values);
        Servers = servers;
        foreach (var leases in _leases.Values)
        {
            leases.Sort((a, b) => a.AcquiredAt != b.AcquiredAt ? a.AcquiredAt.CompareTo(b.AcquiredAt) : a.Slot.CompareTo(b.Slot));
        }
    }

    public IReadOnlyList<PoolServer> Servers { get; }

    /// <summary>GPUs of the servers that may be chosen.</summary>
    public int RegisteredGpus => Servers.Sum(s => s.Gpus);

    /// <summary>Unexpired leases on the servers that may be chosen.</summary>
    public int LeasedSlots => Servers.Sum(s => LeasesOf(s.Url).Count);

    /// <summary>
    /// The server's slots and what it will have loaded once its queue drains: the checkpoint of its newest lease that
    /// names one (a request switches SD Web UI to it and it stays loaded), else what the server reported. Taking it from
    /// the leases, not only from the item a lease updates afterwards, means a dispatcher that reads between the two
    /// writes does not queue its task behind a switch away from its checkpoint.
    /// </summary>
    public PoolOccupancy Occupancy(PoolServer server, PoolRules rules)
    {
        var leases = LeasesOf(server.Url);
        return new(server.Gpus, rules.SlotsOf(server.Gpus), leases.Count, leases.LastOrDefault(l => l.Model is not null)?.Model ?? server.LoadedModel);
    }

    /// <summary>
    /// This checkpoint's share of what the runtime's backlog asks for: its share of the tasks submitted over the last
    /// <see cref="PoolItems.DemandWindow"/> among the checkpoints that still have some (submitted more than their
    /// released leases; retries make that an estimate), 0 once its own have run; its aliases counted together; null when
    /// no checkpoint has any left. Shares of submissions, not of what is left, stay steady while the backlog drains, so
    /// servers are not switched back and forth as one checkpoint's tasks happen to run faster.
    /// </summary>
    public double? DemandShare(string model)
    {
        var left = _demand.Where(d => d.Value.Submitted > d.Value.Released).ToList();
        var total = left.Sum(d => d.Value.Submitted);
        return total == 0 ? null : (double)left.Where(d => SdWebUiModelNames.SameModel(d.Key, model)).Sum(d => d.Value.Submitted) / total;
    }

    /// <summary>
    /// Tasks of this checkpoint (its aliases counted together) submitted over the last <see cref="PoolItems.DemandWindow"/>
    /// less the leases released for it: its backlog and the tasks in flight, an estimate (a retried task is released
    /// more than once), never below 0.
    /// </summary>
    public long Remaining(string model) =>
        Math.Max(0, _demand.Where(d => SdWebUiModelNames.SameModel(d.Key, model)).Sum(d => d.Value.Submitted - d.Value.Released));

    /// <summary>
    /// How many dispatchers wait for a slot for this checkpoint since before <paramref name="since"/> (the owner breaks a
    /// tie), <paramref name="self"/> not counted: the ones that get its next free slots first.
    /// </summary>
    public int OlderWaiting(string model, string self, DateTimeOffset since) =>
        OthersFor(model, self).Count(w => w.Since < since || (w.Since == since && string.CompareOrdinal(w.Owner, self) < 0));

    /// <summary>How many dispatchers other than <paramref name="self"/> wait for a slot for this checkpoint.</summary>
    public int OthersWaiting(string model, string self) => OthersFor(model, self).Count();

    private IEnumerable<PoolWaiter> OthersFor(string model, string self) =>
        _waiters.Where(w => w.Owner != self && w.Model is { } wanted && SdWebUiModelNames.SameModel(wanted, model));

    /// <summary>The lowest slot no unexpired lease holds; null when every one is held.</summary>
    public int? FreeSlot(PoolServer server, PoolRules rules)
    {
        var held = LeasesOf(server.Url).Select(l => l.Slot).ToHashSet();
        for (var slot = 0; slot < rules.SlotsOf(server.Gpus); slot++)
        {
            if (!held.Contains(slot))
            {
                return slot;
            }
        }

        return null;
    }

    /// <summary>The lease is among its server's <c>gpus</c> oldest unexpired leases: its request runs, not waits.</summary>
    public bool IsRunning(PoolLease lease)
    {
        var gpus = Servers.FirstOrDefault(s => s.Url == lease.Url)?.Gpus ?? 1;
        var position = LeasesOf(lease.Url).FindIndex(l => l.Slot == lease.Slot && l.Owner == lease.Owner);
        return position >= 0 && position < gpus;
    }

    private List<PoolLease> LeasesOf(string url, bool create = false)
    {
        if (_leases.TryGetValue(url, out var leases))
        {
            return leases;
        }

        leases = [];
        if (create)
        {
            _leases[url] = leases;
        }

        return leases;
    }
}
