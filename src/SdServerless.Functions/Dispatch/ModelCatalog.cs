using System.Collections.Concurrent;
using SdServerless.Core.SdWebUi;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// The checkpoints each endpoint serves (GET /sdapi/v1/sd-models), cached per endpoint. SD Web UI lists only what it
/// found the last time it read its checkpoint folder, so a name nobody serves makes the server read it again
/// (POST /sdapi/v1/refresh-checkpoints) before the model is declared unknown: a checkpoint uploaded since is found.
/// That happens at most once per <see cref="DispatcherSettings.ModelCatalogRefresh"/> per endpoint, so names that will
/// never exist cannot flood a server with folder scans (each one waits for its current job).
/// </summary>
public sealed class ModelCatalog(SdWebUiClient client, EndpointSelector selector, DispatcherSettings settings, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The endpoint's checkpoint that <paramref name="model"/> names, or null when it serves none by that name.</summary>
    public async Task<SdWebUiModel?> FindAsync(string endpoint, string model, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(endpoint, _ => new Entry());
        if (Match(entry.Models, model) is { } known)
        {
            return known;
        }

        await entry.Refreshing.WaitAsync(cancellationToken);
        try
        {
            if (entry.Models is null)
            {
                await ReadAsync(entry, endpoint, cancellationToken);
            }

            if (Match(entry.Models, model) is { } listed)
            {
                return listed;
            }

            if (entry.RefreshedAt is not { } refreshed || clock.GetUtcNow() - refreshed >= settings.ModelCatalogRefresh)
            {
                await client.RefreshCheckpointsAsync(endpoint, cancellationToken);
                entry.RefreshedAt = clock.GetUtcNow();
                await ReadAsync(entry, endpoint, cancellationToken);
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

    private async Task ReadAsync(Entry entry, string endpoint, CancellationToken cancellationToken)
    {
        entry.Models = await client.GetModelsAsync(endpoint, cancellationToken);
        await ObserveLoadedModelAsync(endpoint, entry.Models, cancellationToken);
    }

    /// <summary>Seeds model affinity with the checkpoint the server has loaded; not knowing it only costs affinity.</summary>
    private async Task ObserveLoadedModelAsync(string endpoint, IReadOnlyList<SdWebUiModel> models, CancellationToken cancellationToken)
    {
        try
        {
            if (await client.GetLoadedCheckpointHashAsync(endpoint, cancellationToken) is { } hash
                && models.FirstOrDefault(m => string.Equals(m.Sha256, hash, StringComparison.OrdinalIgnoreCase)) is { } loaded)
            {
                selector.ObserveLoadedModel(endpoint, loaded.Title);
            }
        }
        catch (DispatchFailure)
        {
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Refreshing { get; } = new(1, 1);

        public IReadOnlyList<SdWebUiModel>? Models { get; set; }

        public DateTimeOffset? RefreshedAt { get; set; }
    }
}
