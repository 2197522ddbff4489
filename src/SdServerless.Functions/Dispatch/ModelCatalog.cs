using System.Collections.Concurrent;
using SdServerless.Core;
using SdServerless.Core.Pool;
using SdServerless.Core.SdWebUi;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// The checkpoints each endpoint serves (GET /sdapi/v1/sd-models), cached per endpoint. SD Web UI lists only what it
/// found the last time it read its checkpoint folder, so a name nobody serves makes the server read it again
/// (POST /sdapi/v1/refresh-checkpoints) before the model is declared unknown: a checkpoint uploaded since is found.
/// That happens at most once per <see cref="DispatcherOptions.ModelCatalogRefresh"/> per endpoint, so names that will
/// never exist cannot flood a server with folder scans (each one waits for its current job).
/// </summary>
public sealed class ModelCatalog(SdWebUiClient client, IPoolRegistry registry, DispatcherOptions settings, TimeProvider clock)
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
            if (entry.Models is null)
            {
                await ReadAsync(entry, runtime, endpoint, cancellationToken);
            }

            if (Match(entry.Models, model) is { } listed)
            {
                return listed;
            }

            if (entry.RefreshedAt is not { } refreshed || clock.GetUtcNow() - refreshed >= settings.ModelCatalogRefresh)
            {
                await client.RefreshCheckpointsAsync(endpoint, cancellationToken);
                entry.RefreshedAt = clock.GetUtcNow();
                await ReadAsync(entry, runtime, endpoint, cancellationToken);
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

    private async Task ReadAsync(Entry entry, string runtime, string endpoint, CancellationToken cancellationToken)
    {
        entry.Models = await client.GetModelsAsync(endpoint, cancellationToken);
        await ObserveLoadedModelAsync(runtime, endpoint, entry.Models, cancellationToken);
    }

    /// <summary>Seeds model affinity with the checkpoint the server has loaded; not knowing it only costs affinity.</summary>
    private async Task ObserveLoadedModelAsync(string runtime, string endpoint, IReadOnlyList<SdWebUiModel> models, CancellationToken cancellationToken)
    {
        try
        {
            if (await client.GetLoadedCheckpointHashAsync(endpoint, cancellationToken) is { } hash
                && models.FirstOrDefault(m => string.Equals(m.Sha256, hash, StringComparison.OrdinalIgnoreCase)) is { } loaded)
            {
                await registry.ObserveLoadedModelAsync(runtime, endpoint, loaded.Title, cancellationToken);
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

        public DateTimeOffset? RefreshedAt { get; set; }
    }
}
