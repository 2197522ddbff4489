using SdServerless.Core.SdWebUi;

namespace SdServerless.Core.Pool;

/// <summary>
/// How many slots a server has and which free server a task takes: the same for every registry, so that the local
/// host and the dispatchers on AWS route alike. A server with <c>gpus</c> GPUs has <c>gpus × (1 + requests ahead)</c>
/// slots. With model affinity a free server that has the task's checkpoint loaded comes first, and a slot queued
/// behind running work is only taken for the loaded checkpoint (unless the server has an idle GPU), so a task never
/// waits behind another checkpoint's job and then forces a reload.
/// </summary>
/// <param name="RequestsAhead">Requests sent ahead per GPU to wait in SD Web UI's own queue (0: only idle GPUs).</param>
/// <param name="ModelAffinity">Off: the least loaded free server and the oldest waiter, whatever they have loaded.</param>
public sealed record PoolRules(int RequestsAhead = 0, bool ModelAffinity = true)
{
    /// <summary>A server entry whose heartbeat is older than this is never chosen.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a task may be held back from a server because other waiting tasks want the checkpoint it has loaded:
    /// past this it takes a server that would have to switch like any other, so a stream of one checkpoint's tasks
    /// cannot starve another's.
    /// </summary>
    public TimeSpan SwitchPatience { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What loading another checkpoint costs a GPU, in generations it could have run meanwhile. Only used to judge whether
    /// moving a server to another checkpoint makes the two backlogs drain sooner (see <see cref="Rebalances"/>); a real
    /// load takes about one to three generations, which the default assumes the dearer end of.
    /// </summary>
    public double SwitchCostInGenerations { get; init; } = 2;

    /// <summary>Leases a server with <paramref name="gpus"/> GPUs may hold: one running request per GPU plus <see cref="RequestsAhead"/> queued behind each.</summary>
    /// <param name="gpus">The server's GPUs; fewer than one counts as one.</param>
    public int SlotsOf(int gpus) => Math.Max(1, gpus) * (1 + Math.Max(0, RequestsAhead));

    /// <summary>
    /// The free server a task takes, in the order given (the caller rotates or shuffles it to spread equal load);
    /// null when none may take it now.
    /// </summary>
    /// <param name="servers">The servers of the task's runtime that may take it, in the order they are tried.</param>
    /// <param name="occupancy">What is known of a server's GPUs, slots, leases and loaded checkpoint.</param>
    /// <param name="model">The checkpoint the task needs; null when any will do.</param>
    /// <param name="othersWaiting">
    /// What a registry that sees the other waiting tasks knows of them: how many want the given checkpoint. With it,
    /// an idle server is switched to the task's checkpoint only when no waiting task wants the one it has loaded, and
    /// only while the tasks waiting for the task's checkpoint (this one included) outnumber the GPUs that have it
    /// loaded: each of those GPUs takes one of them next, and switching more servers at once only to switch them back
    /// soon after costs a reload each time. (Counting their queued slots too held back switches a draining backlog
    /// needed: GPUs of the other checkpoint idled while tasks waited a generation or more.) Null: an idle server goes
    /// to whichever task asks first.
    /// </param>
    /// <param name="patienceSpent">The task has waited <see cref="SwitchPatience"/>: the others hold it back no longer.</param>
    /// <param name="remaining">
    /// Tasks of a checkpoint not yet run (its backlog, those in flight included), where the registry counts them (null:
    /// not counted). With it, a server of another checkpoint that has room is taken, its queued slot included, when
    /// moving it shortens the time both backlogs take to drain (<see cref="Rebalances"/>); and an idle server is not
    /// switched unless that makes them drain sooner (its load counted): late in a run the shares change with every
    /// task, and an idle-server switch judged by them alone moved servers one way and, seconds later, back.
    /// </param>
    /// <param name="demandShare">
    /// A checkpoint's share of the runtime's backlog, where the registry counts it (null: not counted). A server then
    /// switches to the task's checkpoint only while fewer GPUs have it loaded than its share of all GPUs (rounded up, at
    /// least one): the tasks in flight are a few of the backlog, and the checkpoint fewer servers serve piles up among
    /// them, which alone would switch most servers to it and, soon after, back.
    /// </param>
    public T? ChooseFree<T>(
        IEnumerable<T> servers,
        Func<T, PoolOccupancy> occupancy,
        string? model,
        Func<string, int>? othersWaiting = null,
        bool patienceSpent = false,
        Func<string, double?>? demandShare = null,
        Func<string, long>? remaining = null)
        where T : class
    {
        var affinity = ModelAffinity && model is not null;
        var candidates = servers.Select(s => (Server: s, State: occupancy(s))).ToList();
        var states = candidates.Select(c => c.State).ToList();
        var switchWanted = !affinity || othersWaiting is null || patienceSpent
            || (1 + othersWaiting(model!) > LoadedGpus(states, model!) && BelowShare(states, model!, demandShare));
        T? any = null;
        var anyLoad = double.MaxValue;
        foreach (var (server, state) in candidates)
        {
            if (state.Leased >= state.Slots)
            {
                continue;
            }

            if (affinity && SdWebUiModelNames.SameModel(state.LoadedModel, model))
            {
                return server;
            }

            // Never queued behind another checkpoint's work (only an idle GPU switches), unless the backlogs say the
            // server is better moved to this task's checkpoint.
            if (affinity
                && !(state.HasIdleGpu && (othersWaiting is null || (MayTakeFromLoaded(state, othersWaiting, patienceSpent) && switchWanted))
                    && (remaining is null || !DrainsNoSooner(states, state, model!, remaining)))
                && !(remaining is not null && Rebalances(states, state, model!, remaining)))
            {
                continue;
            }

            if (any is null || state.Load < anyLoad)
            {
                any = server;
                anyLoad = state.Load;
            }
        }

        return any;
    }

    /// <summary>
    /// Whether a task that no server may take now should give its place back to the tasks behind it, where those are
    /// held by a bounded number of dispatchers (AWS): a slot it may not take is free (another checkpoint's server has
    /// room), its checkpoint has the GPUs its share of the backlog asks for (so no server is to switch to it), and
    /// older tasks of its checkpoint already wait for half of those GPUs, rounded up (they take their next slots). Half,
    /// not each: a slot freed behind a running request stays free for a generation, time enough for a task received
    /// meanwhile, while every dispatcher held waiting is one fewer reaching the tasks of the other checkpoint further
    /// back in the queue (with a dispatcher waiting for every GPU, a checkpoint's GPU idled for up to a second while
    /// one or two dispatchers gave back the other's tasks ahead of its own, one at a time). A task whose checkpoint is
    /// short of its share stays: the waiters are what switches a server to it.
    /// </summary>
    /// <param name="servers">The occupancy of the runtime's servers.</param>
    /// <param name="model">The task's checkpoint.</param>
    /// <param name="olderWaiting">Tasks of the checkpoint that have waited longer than this one.</param>
    /// <param name="demandShare">The checkpoint's share of the runtime's backlog, as for <see cref="ChooseFree"/>.</param>
    /// <param name="remaining">
    /// Tasks of a checkpoint not yet run, as for <see cref="ChooseFree"/>: a checkpoint short of its share whose backlogs
    /// no switch would drain sooner gets no server either, so its tasks give way like those of one that has its share.
    /// </param>
    public bool GivesWay(IReadOnlyList<PoolOccupancy> servers, string model, int olderWaiting, Func<string, double?>? demandShare, Func<string, long>? remaining = null) =>
        servers.Any(s => s.Leased < s.Slots)
        && !(BelowShare(servers, model, demandShare) && (remaining is null || servers.Any(s => s.Switches(model) && !DrainsNoSooner(servers, s, model, remaining))))
        && olderWaiting >= Math.Max(1, (LoadedGpus(servers, model) + 1) / 2);

    /// <summary>
    /// Whether moving <paramref name="server"/> from the checkpoint it has loaded to <paramref name="model"/> makes the
    /// two backlogs drain sooner: with each checkpoint's tasks left spread over the GPUs that have it loaded, the later
    /// of the two would end at least a generation earlier, the switch's load counted. Both must keep a GPU. Once a
    /// server moved, moving it back never passes this test, so servers do not swing; and a small imbalance, which one
    /// switch would not repay, leaves them where they are.
    /// </summary>
    /// <param name="servers">Every server of the runtime that may be chosen.</param>
    /// <param name="server">The server that would switch (one of <paramref name="servers"/>).</param>
    /// <param name="model">The checkpoint it would switch to.</param>
    /// <param name="remaining">Tasks of a checkpoint not yet run.</param>
    public bool Rebalances(IReadOnlyList<PoolOccupancy> servers, PoolOccupancy server, string model, Func<string, long> remaining) =>
        MoveOf(servers, server, model, remaining) is { } move && move.ToGpus > 0 && move.FromGpusLeft >= 1 && move.After <= move.Before - 1;

    /// <summary>
    /// Whether moving an idle <paramref name="server"/> to <paramref name="model"/> leaves the later of the two backlogs
    /// ending no sooner, the load counted: a GPU idle for a moment while its checkpoint's tasks are further back in the
    /// queue is not worth a reload the backlogs do not repay. A checkpoint no GPU has loaded always gets one, and
    /// without counts (the task's own checkpoint counted at none: its submission was not, or its count expired) nothing
    /// is held back.
    /// </summary>
    private bool DrainsNoSooner(IReadOnlyList<PoolOccupancy> servers, PoolOccupancy server, string model, Func<string, long> remaining) =>
        MoveOf(servers, server, model, remaining) is { } move && move.ToLeft > 0 && !double.IsPositiveInfinity(move.Before) && move.After >= move.Before;

    /// <summary>
    /// Moving <paramref name="server"/> from the checkpoint it has loaded to <paramref name="model"/>, as the backlogs see
    /// it: when the later of the two would end without and with the move, in generations, each checkpoint's tasks left
    /// spread over the GPUs that have it loaded (a backlog no GPU has never ends) and the load counted as
    /// <see cref="SwitchCostInGenerations"/>. Null when the request would not switch the server.
    /// </summary>
    private Move? MoveOf(IReadOnlyList<PoolOccupancy> servers, PoolOccupancy server, string model, Func<string, long> remaining)
    {
        if (!server.Switches(model) || server.LoadedModel is not { } from)
        {
            return null;
        }

        var (fromGpus, toGpus, moved) = (LoadedGpus(servers, from), LoadedGpus(servers, model), Math.Max(1, server.Gpus));
        var (fromLeft, toLeft) = ((double)remaining(from), (double)remaining(model));
        static double Drain(double left, int gpus) => left <= 0 ? 0 : gpus <= 0 ? double.PositiveInfinity : left / gpus;
        return new(
            toGpus,
            fromGpus - moved,
            toLeft,
            Before: Math.Max(Drain(fromLeft, fromGpus), Drain(toLeft, toGpus)),
            After: Math.Max(Drain(fromLeft, fromGpus - moved), Drain(toLeft + (SwitchCostInGenerations * moved), toGpus + moved)));
    }

    /// <summary>GPUs that have the checkpoint loaded (or will once their newest lease runs).</summary>
    private static int LoadedGpus(IEnumerable<PoolOccupancy> servers, string model) =>
        servers.Where(s => SdWebUiModelNames.SameModel(s.LoadedModel, model)).Sum(s => s.Gpus);

    /// <summary>Fewer GPUs have the checkpoint loaded than its share of the backlog asks for (or nothing was counted).</summary>
    private static bool BelowShare(IReadOnlyList<PoolOccupancy> servers, string model, Func<string, double?>? demandShare)
    {
        if (demandShare?.Invoke(model) is not { } share)
        {
            return true;
        }

        return LoadedGpus(servers, model) < Math.Max(1, Math.Ceiling((share * servers.Sum(s => s.Gpus)) - 1e-9));
    }

    /// <summary>No waiting task wants what the server has loaded, or this one has waited past its patience.</summary>
    private static bool MayTakeFromLoaded(PoolOccupancy state, Func<string, int> othersWaiting, bool patienceSpent) =>
        patienceSpent || state.LoadedModel is not { } loaded || othersWaiting(loaded) == 0;

    /// <summary>A server's move to another checkpoint, as <see cref="MoveOf"/> judges it.</summary>
    /// <param name="ToGpus">GPUs that have the target checkpoint loaded now.</param>
    /// <param name="FromGpusLeft">GPUs the checkpoint the server leaves would keep.</param>
    /// <param name="ToLeft">The target checkpoint's tasks not yet run.</param>
    /// <param name="Before">When the later backlog ends without the move.</param>
    /// <param name="After">When it ends with the move.</param>
    private readonly record struct Move(int ToGpus, int FromGpusLeft, double ToLeft, double Before, double After);
}
