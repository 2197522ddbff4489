namespace SdServerless.Functions.Dispatch;

/// <summary>The dispatcher's own knobs; the defaults suit both hosts.</summary>
public sealed class DispatcherSettings
{
    /// <summary>Connecting to SD Web UI or an input host; reading waits for the invocation's deadline instead.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whole download of one input image, redirects included.</summary>
    public TimeSpan InputTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRedirects { get; set; } = 3;

    /// <summary>Retry delay after attempt n: BackoffBase × 2^(n-1), at most BackoffCap, half of it jittered.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An unknown model re-reads /sdapi/v1/sd-models at most this often per endpoint.</summary>
    public TimeSpan ModelCatalogRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests one endpoint serves at once (SD Web UI: 1 per process); keyed by endpoint base URL.</summary>
    public IReadOnlyDictionary<string, int> EndpointCapacities { get; set; } = new Dictionary<string, int>();

    /// <summary>
    /// Wait for a free endpoint instead of queueing at the least loaded one. The local host's prefetching workers
    /// wait (the next task is ready the moment a GPU frees, and goes to the GPU with its model); a Lambda does not.
    /// </summary>
    public bool WaitForFreeEndpoint { get; set; }

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

    /// <summary>Writing state.json / result.json and changing visibility after the deadline's token fired.</summary>
    public TimeSpan BookkeepingTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a held task's cancel marker and, while it runs, its server's progress are read.</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int CapacityOf(string endpoint) => Math.Max(1, EndpointCapacities.GetValueOrDefault(endpoint, 1));
}
