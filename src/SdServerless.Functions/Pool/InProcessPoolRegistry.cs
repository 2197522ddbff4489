using SdServerless.Core.Pool;

namespace SdServerless.Functions.Pool;

/// <summary>
/// The pool registry of one process (the local host, tests): the configured endpoints plus any server that registers,
/// their slots and who waits for them. A task takes a free slot as <see cref="PoolRules"/> choose it; waiting callers
/// are served as slots free up, a server going preferably to the oldest waiter that wants its loaded model.
/// The loaded model is what we last sent the server, or what it reported.
/// With model affinity a waiter never queues a task for another model behind a server's running work: that slot is
/// kept for a task of the loaded model, and a task of another model takes a server only where a GPU would otherwise
/// idle, or once passed over <see cref="MaxSkips"/> times.
/// </summary>
public sealed partial class InProcessPoolRegistry : IPoolRegistry
{
    /// <summary>
    /// How often a waiter may be passed over for one that matches a freed server's model. At 4, a run of one model in
    /// a shuffled mix forced a checkpoint switch whenever a few servers of the other model freed first (affinity
    /// benchmark: 20 % of tasks switched); 16 still bounds the wait to a few generations per server.
    /// </summary>
    internal const int MaxSkips = 16;

    private readonly PoolRules _rules;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InProcessServer> _servers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PoolServer>> _entries = new(StringComparer.Ordinal);
    private readonly List<Waiter> _waiters = [];
    private int _rotation;

    /// <param name="fixedServers">The configured endpoints (<see cref="FixedPoolServers.From"/>).</param>
    /// <param name="rules">How a free slot is chosen and when a waiter gives way.</param>
    /// <param name="clock">Lease expiry and heartbeats; null: the system clock. Waits always run on real time.</param>
    public InProcessPoolRegistry(IEnumerable<PoolServer> fixedServers, PoolRules rules, TimeProvider? clock = null)
    {
        _rules = rules;
        _clock = clock ?? TimeProvider.System;
        foreach (var server in fixedServers)
        {
            Upsert(server with { Fixed = true });
        }
    }

    /// <inheritdoc/>
    public Task RegisterAsync(PoolServer server, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = Upsert(server with { HeartbeatAt = _clock.GetUtcNow() });
            if (server.LoadedModel is not null)
            {
                state.LoadedModel = server.LoadedModel;
            }

            // Its slots serve the waiters at once, as many as it can take.
            while (ServeNextWaiter(state))
            {
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<bool> HeartbeatAsync(string runtime, string url, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var entries = Entries(runtime);
            var index = entries.FindIndex(e => e.Url == url);
            if (index >= 0)
            {
                entries[index] = entries[index] with { HeartbeatAt = _clock.GetUtcNow() };
            }

            return Task.FromResult(index >= 0);
        }
    }

    /// <inheritdoc/>
    public Task DeregisterAsync(string runtime, string url, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // A configured endpoint stays: the configuration, not the server, says it belongs to the pool.
            Entries(runtime).RemoveAll(e => e.Url == url && !e.Fixed);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<PoolServer>> ServersAsync(string runtime, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<PoolServer> servers = [.. Fresh(runtime).Select(e => e with { LoadedModel = _servers[e.Url].LoadedModel })];
            return Task.FromResult(servers);
        }
    }

    /// <inheritdoc/>
    public async Task<PoolLease?> AcquireAsync(LeaseRequest request, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (TryLease(request) is { } lease)
            {
                return lease;
            }

            if (maxWait == TimeSpan.Zero)
            {
                return null;
            }

            waiter = new Waiter(request);
            _waiters.Add(waiter);
        }

        using var registration = cancellationToken.Register(() => Abandon(waiter, cancellationToken));
        if (maxWait == Timeout.InfiniteTimeSpan)
        {
            return await waiter.Completion.Task;
        }

        try
        {
            return await waiter.Completion.Task.WaitAsync(maxWait, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            return await GiveUpAsync(waiter);
        }
    }

    /// <inheritdoc/>
    public Task ReleaseAsync(PoolLease lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_servers.TryGetValue(lease.Url, out var state) && state.Release(lease))
            {
                ServeNextWaiter(state);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<bool> IsRunningAsync(PoolLease lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_servers.TryGetValue(lease.Url, out var state) && state.IsRunning(lease, _clock.GetUtcNow()));
        }
    }

    /// <summary>Records what a server reported as loaded, unless we already know better from what we sent it.</summary>
    public Task ObserveLoadedModelAsync(string runtime, string url, string model, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_servers.TryGetValue(url, out var state))
            {
                state.LoadedModel ??= model;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Every task waits in this registry's own queue, where it is seen: nothing to count.</summary>
    public Task RecordDemandAsync(string runtime, string model, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Requests holding one of the server's slots (running or queued at it); 0 for an unknown server.</summary>
    public int LeasedSlots(string url)
    {
        lock (_gate)
        {
            return _servers.TryGetValue(url, out var state) ? state.Leased(_clock.GetUtcNow()) : 0;
        }
    }

    private PoolLease? TryLease(LeaseRequest request)
    {
        while (true)
        {
            var now = _clock.GetUtcNow();
            var candidates = Fresh(request.Runtime).Where(e => request.MayUse(e.Url)).Select(e => _servers[e.Url]).ToList();
            if (candidates.Count == 0)
            {
                return null;
            }

            // Rotating the starting point spreads equally loaded servers' work; unsigned so that wrapping stays in range.
            var offset = (int)(unchecked((uint)_rotation++) % (uint)candidates.Count);
            var free = _rules.ChooseFree(candidates.Skip(offset).Concat(candidates.Take(offset)), s => s.Occupancy(_rules, now), request.Model);
            if (free is null)
            {
                return null;
            }

            if (OwedWaiter(free) is not { } owed)
            {
                return free.Lease(request, now);
            }

            // This server has passed that waiter over too often: it takes the slot, and we choose again.
            _waiters.Remove(owed);
            owed.Completion.TrySetResult(free.Lease(owed.Request, now));
        }
    }

    /// <summary>Hands a slot the server has free to the waiter <see cref="NextWaiter"/> picks; false when none.</summary>
    private bool ServeNextWaiter(InProcessServer state)
    {
        var now = _clock.GetUtcNow();
        if (state.Leased(now) >= _rules.SlotsOf(state.Gpus) || NextWaiter(state, now) is not { } waiter)
        {
            return false;
        }

        _waiters.Remove(waiter);
        waiter.Completion.TrySetResult(state.Lease(waiter.Request, now));
        return true;
    }

    private IEnumerable<PoolServer> Fresh(string runtime)
    {
        var now = _clock.GetUtcNow();
        return Entries(runtime).Where(e => e.Fixed || now - e.HeartbeatAt <= PoolRules.StaleAfter);
    }

    private List<PoolServer> Entries(string runtime)
    {
        if (!_entries.TryGetValue(runtime, out var entries))
        {
            entries = [];
            _entries[runtime] = entries;
        }

        return entries;
    }

    private InProcessServer Upsert(PoolServer server)
    {
        var entries = Entries(server.Runtime);
        var index = entries.FindIndex(e => e.Url == server.Url);
        if (index < 0)
        {
            entries.Add(server);
        }
        else
        {
            // A configured endpoint that also registers (a fixed server running the join script) stays configured.
            entries[index] = server with { Fixed = server.Fixed || entries[index].Fixed };
        }

        if (_servers.TryGetValue(server.Url, out var state))
        {
            state.Gpus = Math.Max(1, server.Gpus);
        }
        else
        {
            state = new InProcessServer(server.Url, server.Gpus);
            _servers[server.Url] = state;
        }

        return state;
    }
}
