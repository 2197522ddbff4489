using SdServerless.Core;
using System.Collections.Concurrent;
using SdServerless.Core.Pool;
using SdServerless.Core.SdWebUi;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// The checkpoints each endpoint serves (GET /sdapi/v1/sd-models), cached per endpoint. A name the cache does not
/// know re-reads the list, at most once per <see cref="DispatcherSettings.ModelCatalogRefresh"/>, so a checkpoint
/// added to a server is found without a flood of requests for names that will never exist.
/// </summary>
public sealed class ModelCatalog(SdWebUiClient client, IPoolRegistry registry, DispatcherSettings settings, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The endpoint's checkpoint that <paramref name="model"/> names, or null when it serves none by that name.</summary>
    public async Task<SdWebUiModel?> FindAsync(string runtime, string endpoint, string model, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(endpoint, _ => new Entry());
        if (Match(entry.Models, model) is { } known)
        {
            return known;
        }

        await entry.Refreshing.WaitAsync(cancellationToken);
        try
        {
            if (entry.Models is null || clock.GetUtcNow() - entry.FetchedAt >= settings.ModelCatalogRefresh)
            {
                entry.Models = await client.GetModelsAsync(endpoint, cancellationToken);
                entry.FetchedAt = clock.GetUtcNow();
                await ObserveLoadedModelAsync(runtime, endpoint, cancellationToken);
            }

            return Match(entry.Models, model);
        }
        finally
        {
            entry.Refreshing.Release();
        }
    }

    /// <summary>The names an endpoint serves, for error messages (empty when never read).</summary>
    public IReadOnlyList<string> KnownTitles(string endpoint) =>
        _entries.TryGetValue(endpoint, out var entry) && entry.Models is { } models ? models.Select(m => m.Title).ToList() : [];

    private static SdWebUiModel? Match(IReadOnlyList<SdWebUiModel>? models, string model) =>
        models?.FirstOrDefault(m => m.IsNamedBy(model));

    /// <summary>Seeds model affinity with what the server has loaded; not knowing it only costs affinity.</summary>
    private async Task ObserveLoadedModelAsync(string runtime, string endpoint, CancellationToken cancellationToken)
    {
        try
        {
            if (await client.GetLoadedModelAsync(endpoint, cancellationToken) is { } loaded)
            {
                await registry.ObserveLoadedModelAsync(runtime, endpoint, loaded, cancellationToken);
            }
        }
        catch (Exception e) when (e is DispatchFailure or DependencyUnavailableException)
        {
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Refreshing { get; } = new(1, 1);

        public IReadOnlyList<SdWebUiModel>? Models { get; set; }

        public DateTimeOffset FetchedAt { get; set; }
    }
}
