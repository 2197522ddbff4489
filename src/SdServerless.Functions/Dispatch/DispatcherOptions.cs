using SdServerless.Core.Pool;

namespace SdServerless.Functions.Dispatch;

/// <summary>The dispatcher's own knobs; the defaults suit both hosts.</summary>
public sealed class DispatcherOptions
{
    /// <summary>Connecting to SD Web UI or an input host; reading waits for the invocation's deadline instead.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whole download of one input image, redirects included.</summary>
    public TimeSpan InputTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Redirects an input download follows; each hop is checked against the address policy.</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>Retry delay after attempt n: BackoffBase × 2^(n-1), at most BackoffCap, half of it jittered.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest retry delay.</summary>
    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Delay of a task put back for capacity: about as long as it has waited so far, at least the base, at most the
    /// cap; half of it jittered. The cap is short because a delayed message is invisible: a GPU that joins finds the
    /// tasks hidden by longer delays only when they end, and idles meanwhile. Short delays do not make waiting tasks
    /// cycle faster than the event source's maximum concurrency allows (each receive is held for the slot wait, 20 s
    /// on Lambda), so they cost a few queue calls a minute per waiting invocation, not per waiting task.
    /// </summary>
    public TimeSpan CapacityBackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay of a task put back for capacity (see <see cref="CapacityBackoffBase"/>).</summary>
    public TimeSpan CapacityBackoffCap { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Delay of a task the pool gave back before its wait ended, for the tasks behind it in the queue (its checkpoint's
    /// servers already have older tasks waiting for each of their slots, and another checkpoint's server has room).
    /// Long enough that the dispatchers receive those tasks rather than this one again at once, which cost each of them
    /// a receive and a give-way while a GPU waited for its next task; short enough that it is back in a generation or
    /// so: one second, SQS's shortest delay.
    /// </summary>
    public TimeSpan GiveWayDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one generation may run, counted from the lease of its slot (waiting for capacity does not count).
    /// Null: until the invocation's deadline. Past it the server is interrupted (when our request is the one it runs)
    /// and the task retried.
    /// </summary>
    public TimeSpan? GenerationTimeout { get; set; }

    /// <summary>
    /// The least time left in the invocation (after <see cref="BookkeepingTimeout"/>) for which a slot is leased at all;
    /// with less, the task goes back to the queue at once. At most <see cref="GenerationTimeout"/>.
    /// </summary>
    public TimeSpan MinimumGenerationTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>An unknown model re-reads /sdapi/v1/sd-models at most this often per endpoint.</summary>
    public TimeSpan ModelCatalogRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests one endpoint serves at once (SD Web UI: 1 per process); keyed by endpoint base URL.</summary>
    public IReadOnlyDictionary<string, int> EndpointCapacities { get; set; } = new Dictionary<string, int>();

    /// <summary>
    /// How long one delivery waits for a free slot in the pool before the task goes back to the queue (no attempt
    /// spent); never longer than the invocation leaves for a generation after it. A Lambda waits a little (a waiting
    /// invocation costs money); the local host's prefetching workers wait as long as a generation may last (the next
    /// task is ready the moment a GPU frees, and goes to the GPU with its model). <see cref="Timeout.InfiniteTimeSpan"/>:
    /// as long as the invocation allows.
    /// </summary>
    public TimeSpan FreeSlotWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a slot's lease holds when the generation has no deadline (neither <see cref="GenerationTimeout"/> nor
    /// an invocation deadline): longer than a generation may take, so that a lease its holder never released (a crash)
    /// frees the slot on its own. Lambda's longest timeout plus a margin. With a deadline, the lease lasts until it
    /// plus <see cref="LeaseMargin"/>.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(16);

    /// <summary>
    /// The interrupt that answers a deadline: SD Web UI answers it at once (it only sets a flag), so a server that
    /// does not is hung or gone, and the slot is released without waiting longer.
    /// </summary>
    public TimeSpan InterruptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Kept on a lease past its generation's deadline: the interrupt and the release happen after it.</summary>
    public TimeSpan LeaseMargin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Requests sent ahead per GPU slot, to wait in SD Web UI's own queue, so
    /// that a GPU starts its next request the moment it finishes one instead of after our round trip (the answer's
    /// transfer, the lease, the next request's send). 0: a request is sent only to an idle slot.
    /// </summary>
    public int RequestsAheadPerSlot { get; set; }

    /// <summary>
    /// Route a task to a server that has its checkpoint loaded when one is free, and give a freed server to a waiting
    /// task that wants its checkpoint. Off: the first free server and the oldest waiter (benchmarks compare both).
    /// </summary>
    public bool ModelAffinity { get; set; } = true;

    /// <summary>
    /// Writing state.json / result.json, interrupting and releasing, and changing visibility after the deadline's
    /// token fired; a generation's deadline ends this long before the invocation's, so that all of it fits.
    /// </summary>
    public TimeSpan BookkeepingTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a held task's cancel marker and, while it runs, its server's progress are read.</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>The least time a delivery must have left for a generation (see <see cref="MinimumGenerationTime"/>).</summary>
    public TimeSpan RequiredGenerationTime => GenerationTimeout is { } timeout && timeout < MinimumGenerationTime ? timeout : MinimumGenerationTime;

    /// <summary>The rules the pool registry leases by, from these options.</summary>
    public PoolRules PoolRules => new(RequestsAheadPerSlot, ModelAffinity);

    /// <summary>Requests <paramref name="endpoint"/> runs at once: its configured capacity, else 1.</summary>
    public int CapacityOf(string endpoint) => Math.Max(1, EndpointCapacities.GetValueOrDefault(endpoint, 1));
}
