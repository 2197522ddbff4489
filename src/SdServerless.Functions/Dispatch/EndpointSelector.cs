using SdServerless.Core.SdWebUi;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Chooses the SD Web UI server for a task: a free one (fewer requests in flight than its capacity) that already has
/// the task's model loaded; else any free one; else, unless the caller waits, the least loaded. Waiting callers are
/// served as servers free up, a server going preferably to the oldest waiter that wants its loaded model.
/// The loaded model is what we last sent the server, or what its options reported.
/// With model affinity, a caller that waits never queues a task for another model behind a server's running work
/// (<see cref="DispatcherSettings.RequestsAheadPerSlot"/>): that slot is kept for a task of the loaded model, and a
/// task of another model takes a server only where a GPU would otherwise idle, or once passed over
/// <see cref="MaxSkips"/> times.
/// </summary>
public sealed class EndpointSelector(DispatcherSettings settings)
{
    /// <summary>
    /// How often a waiter may be passed over for one that matches a freed server's model. At 4, a run of one model in
    /// a shuffled mix forced a checkpoint switch whenever a few servers of the other model freed first (affinity
    /// benchmark: 20 % of tasks switched); 16 still bounds the wait to a few generations per server.
    /// </summary>
    internal const int MaxSkips = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, EndpointState> _states = new(StringComparer.Ordinal);
    private readonly List<Waiter> _waiters = [];
    private int _rotation;

    public async Task<EndpointLease> AcquireAsync(IReadOnlyList<string> endpoints, string? model, bool waitForFree, CancellationToken cancellationToken)
    {
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("a runtime needs at least one endpoint", nameof(endpoints));
        }

        Waiter waiter;
        lock (_gate)
        {
            while (true)
            {
                var free = ChooseFree(endpoints, model, waitForFree);
                if (free is not null && waitForFree && OwedWaiter(free) is { } owed)
                {
                    // This server has passed that waiter over too often: it takes the slot, and we choose again.
                    _waiters.Remove(owed);
                    owed.Completion.TrySetResult(Lease(free, owed.Model));
                    continue;
                }

                if (free is not null || !waitForFree)
                {
                    return Lease(free ?? LeastLoaded(endpoints, model), model);
                }

                break;
            }

            waiter = new Waiter(endpoints, model);
            _waiters.Add(waiter);
        }

        using var registration = cancellationToken.Register(() => Abandon(waiter, cancellationToken));
        return await waiter.Completion.Task;
    }

    /// <summary>Records what a server reported as loaded, unless we already know better from what we sent it.</summary>
    public void ObserveLoadedModel(string endpoint, string model)
    {
        lock (_gate)
        {
            State(endpoint).LoadedModel ??= model;
        }
    }

    public string? LoadedModel(string endpoint)
    {
        lock (_gate)
        {
            return State(endpoint).LoadedModel;
        }
    }

    /// <summary>
    /// True when the lease's request is the one the server's GPU runs now, and the only one it runs, so that
    /// interrupting the server stops that request and no other task's. Requests reach a server in the order their
    /// leases were taken, and SD Web UI runs them in arrival order.
    /// </summary>
    public bool RunsAlone(EndpointLease lease)
    {
        lock (_gate)
        {
            var leases = State(lease.Endpoint).Leases;
            return leases.Count > 0 && leases[0] == lease && (leases.Count == 1 || State(lease.Endpoint).Gpus == 1);
        }
    }

    public int InFlight(string endpoint)
    {
        lock (_gate)
        {
            return State(endpoint).InFlight;
        }
    }

    private EndpointState? ChooseFree(IReadOnlyList<string> endpoints, string? model, bool waitForFree)
    {
        var affinity = settings.ModelAffinity && model is not null;
        EndpointState? any = null;
        // Rotating the starting point spreads equally loaded servers' work; unsigned so that wrapping stays in range.
        var offset = (int)(unchecked((uint)_rotation++) % (uint)endpoints.Count);
        for (var i = 0; i < endpoints.Count; i++)
        {
            var state = State(endpoints[(i + offset) % endpoints.Count]);
            if (state.InFlight >= state.Capacity)
            {
                continue;
            }

            if (affinity && SdWebUiModelNames.SameModel(state.LoadedModel, model))
            {
                return state;
            }

            // A caller that can wait leaves another model's requests-ahead slot free (see the class summary).
            if (affinity && waitForFree && !state.HasIdleGpu)
            {
                continue;
            }

            if (any is null || state.Load < any.Load)
            {
                any = state;
            }
        }

        return any;
    }

    private EndpointState LeastLoaded(IReadOnlyList<string> endpoints, string? model) =>
        endpoints.Select(State)
            .OrderBy(s => s.Load)
            .ThenBy(s => settings.ModelAffinity && SdWebUiModelNames.SameModel(s.LoadedModel, model) ? 0 : 1)
            .First();

    private EndpointLease Lease(EndpointState state, string? model)
    {
        state.InFlight++;
        if (model is not null)
        {
            // The request carries the checkpoint in override_settings: SD Web UI keeps it loaded afterwards.
            state.LoadedModel = model;
        }

        var lease = new EndpointLease(state.Endpoint, Release);
        state.Leases.Add(lease);
        return lease;
    }

    private void Release(EndpointLease lease)
    {
        lock (_gate)
        {
            var state = State(lease.Endpoint);
            state.Leases.Remove(lease);
            state.InFlight--;
            if (state.InFlight >= state.Capacity || NextWaiter(state) is not { } waiter)
            {
                return;
            }

            _waiters.Remove(waiter);
            waiter.Completion.TrySetResult(Lease(state, waiter.Model));
        }
    }

    /// <summary>
    /// The oldest waiter that wants this server's model, unless the oldest waiter has been passed over too often; else
    /// the oldest that can use it, if the server has an idle GPU or that waiter has been passed over too often; else
    /// none (the slot waits for a task of the loaded model).
    /// </summary>
    private Waiter? NextWaiter(EndpointState state)
    {
        if (OldestWaiterFor(state) is not { } oldest)
        {
            return null;
        }

        if (!settings.ModelAffinity)
        {
            return oldest;
        }

        var matching = _waiters.FirstOrDefault(w =>
            w.Endpoints.Contains(state.Endpoint) && (w.Model is null || SdWebUiModelNames.SameModel(state.LoadedModel, w.Model)));
        if (matching == oldest || oldest.Skips >= MaxSkips)
        {
            return oldest;
        }

        if (matching is not null)
        {
            oldest.Skips++;
            return matching;
        }

        return state.HasIdleGpu ? oldest : null;
    }

    /// <summary>
    /// A free slot while a task waits for the same server exists only with affinity: the waiter wants another model
    /// and the server's GPU is busy (see <see cref="NextWaiter"/>). A new task taking that slot passes the waiter over
    /// like a freed server choosing a younger waiter does, and is counted the same way, so that a stream of new tasks
    /// of the loaded model cannot hold it back for ever: once passed over <see cref="MaxSkips"/> times it is owed the
    /// next slot of that server.
    /// </summary>
    private Waiter? OwedWaiter(EndpointState state)
    {
        if (!settings.ModelAffinity || OldestWaiterFor(state) is not { } oldest)
        {
            return null;
        }

        if (oldest.Skips >= MaxSkips)
        {
            return oldest;
        }

        oldest.Skips++;
        return null;
    }

    private Waiter? OldestWaiterFor(EndpointState state) => _waiters.FirstOrDefault(w => w.Endpoints.Contains(state.Endpoint));

    private void Abandon(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_waiters.Remove(waiter))
            {
                waiter.Completion.TrySetCanceled(cancellationToken);
            }
        }
    }

    private EndpointState State(string endpoint)
    {
        if (!_states.TryGetValue(endpoint, out var state))
        {
            var gpus = settings.CapacityOf(endpoint);
            state = new EndpointState(endpoint, gpus, gpus * (1 + Math.Max(0, settings.RequestsAheadPerSlot)));
            _states[endpoint] = state;
        }

        return state;
    }

    /// <param name="gpus">Generations the server runs at once (<see cref="DispatcherSettings.CapacityOf"/>).</param>
    /// <param name="capacity">Requests it may hold: its GPUs' and those queued ahead of them.</param>
    private sealed class EndpointState(string endpoint, int gpus, int capacity)
    {
        public string Endpoint { get; } = endpoint;

        public int Gpus { get; } = gpus;

        public int Capacity { get; } = capacity;

        /// <summary>Leases held, oldest first: the order the server received their requests.</summary>
        public List<EndpointLease> Leases { get; } = [];

        public int InFlight { get; set; }

        /// <summary>A request sent now would start at once: fewer requests in flight than GPUs.</summary>
        public bool HasIdleGpu => InFlight < Gpus;

        public string? LoadedModel { get; set; }

        public double Load => (double)InFlight / Capacity;
    }

    private sealed class Waiter(IReadOnlyList<string> endpoints, string? model)
    {
        public IReadOnlyList<string> Endpoints { get; } = endpoints;

        public string? Model { get; } = model;

        public int Skips { get; set; }

        public TaskCompletionSource<EndpointLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
