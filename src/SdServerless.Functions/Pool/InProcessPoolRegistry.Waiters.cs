using SdServerless.Core.Pool;
using SdServerless.Core.SdWebUi;

namespace SdServerless.Functions.Pool;

/// <summary>The tasks waiting for a slot, and which of them a server serves next.</summary>
public sealed partial class InProcessPoolRegistry
{
    /// <summary>
    /// The oldest waiter that wants this server's model, unless the oldest waiter has been passed over too often; else
    /// the oldest that can use it, if the server has an idle GPU or that waiter has been passed over too often; else
    /// none (the slot waits for a task of the loaded model).
    /// </summary>
    private Waiter? NextWaiter(InProcessServer state, DateTimeOffset now)
    {
        if (OldestWaiterFor(state) is not { } oldest)
        {
            return null;
        }

        if (!_rules.ModelAffinity)
        {
            return oldest;
        }

        var matching = _waiters.FirstOrDefault(w =>
            CanUse(w, state) && (w.Request.Model is null || SdWebUiModelNames.SameModel(state.LoadedModel, w.Request.Model)));
        if (matching == oldest || oldest.Skips >= MaxSkips)
        {
            return oldest;
        }

        if (matching is not null)
        {
            oldest.Skips++;
            return matching;
        }

        return state.Leased(now) < state.Gpus ? oldest : null;
    }

    /// <summary>
    /// A free slot while a task waits for the same server exists only with affinity: the waiter wants another model
    /// and the server's GPU is busy (see <see cref="NextWaiter"/>). A new task taking that slot passes the waiter over
    /// like a freed server choosing a younger waiter does, and is counted the same way, so that a stream of new tasks
    /// of the loaded model cannot hold it back for ever: once passed over <see cref="MaxSkips"/> times it is owed the
    /// next slot of that server.
    /// </summary>
    private Waiter? OwedWaiter(InProcessServer state)
    {
        if (!_rules.ModelAffinity || OldestWaiterFor(state) is not { } oldest)
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

    private Waiter? OldestWaiterFor(InProcessServer state) => _waiters.FirstOrDefault(w => CanUse(w, state));

    private bool CanUse(Waiter waiter, InProcessServer state) =>
        waiter.Request.MayUse(state.Url) && Fresh(waiter.Request.Runtime).Any(e => e.Url == state.Url);

    /// <summary>Gave up waiting: null, unless a lease ran out meanwhile (nothing serves waiters then) or one came just now.</summary>
    private async Task<PoolLease?> GiveUpAsync(Waiter waiter)
    {
        lock (_gate)
        {
            if (_waiters.Remove(waiter))
            {
                return TryLease(waiter.Request);
            }
        }

        return await waiter.Completion.Task;
    }

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

    private sealed class Waiter(LeaseRequest request)
    {
        public LeaseRequest Request { get; } = request;

        public int Skips { get; set; }

        public TaskCompletionSource<PoolLease?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
