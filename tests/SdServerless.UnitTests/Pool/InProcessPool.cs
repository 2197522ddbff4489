namespace SdServerless.UnitTests.Pool;

/// <summary>An in-process registry over fixed servers, with one runtime per server set a test draws from.</summary>
internal sealed class InProcessPool(InProcessPoolRegistry registry)
{
    public InProcessPoolRegistry Registry { get; } = registry;

    /// <param name="runtimes">Runtime name → its servers' URLs (one server may be in several runtimes).</param>
    public static InProcessPool Create(PoolRules rules, IReadOnlyDictionary<string, string[]> runtimes, IReadOnlyDictionary<string, int>? gpus = null) =>
        new(new InProcessPoolRegistry(
            FixedPoolServers.From(runtimes.Select(r => new RuntimeConfig { Name = r.Key, Endpoints = r.Value }), url => gpus?.GetValueOrDefault(url, 1) ?? 1),
            rules));

    public Task<PoolLease?> AcquireAsync(string runtime, string? model, TimeSpan maxWait, CancellationToken cancellationToken = default) =>
        Registry.AcquireAsync(new LeaseRequest(runtime, $"task-{Guid.NewGuid():N}", model, TimeSpan.FromMinutes(10)), maxWait, cancellationToken);

    /// <summary>Waits without bound, as the local host's workers do.</summary>
    public async Task<PoolLease> WaitAsync(string runtime, string? model, CancellationToken cancellationToken = default) =>
        (await AcquireAsync(runtime, model, Timeout.InfiniteTimeSpan, cancellationToken))!;

    /// <summary>Takes a free slot now, or fails the test.</summary>
    public async Task<PoolLease> TakeAsync(string runtime, string? model) =>
        await AcquireAsync(runtime, model, TimeSpan.Zero) ?? throw new InvalidOperationException($"no free slot in runtime {runtime}");

    public Task ReleaseAsync(PoolLease lease) => Registry.ReleaseAsync(lease, CancellationToken.None);

    public async Task<string?> LoadedModelAsync(string runtime, string url) =>
        (await Registry.ServersAsync(runtime, CancellationToken.None)).Single(s => s.Url == url).LoadedModel;

    public int LeasedSlots(string url) => Registry.LeasedSlots(url);
}
