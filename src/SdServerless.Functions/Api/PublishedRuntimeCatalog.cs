using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Pool;
using SdServerless.Core.Runtimes;

namespace SdServerless.Functions.Api;

/// <summary>
/// The runtimes as the API checks a task against them: the configuration, where a runtime configured without
/// <c>option_keys</c> takes the settings keys its registered servers published when they joined the pool (those every
/// one of them knows), and SD Web UI 1.10's keys while none has (the pool may be at zero). Read from the registry at
/// most once per <see cref="RefreshInterval"/>; a registry that cannot be read leaves the last view in place, so a
/// submission never fails for it.
/// </summary>
public sealed partial class PublishedRuntimeCatalog(IReadOnlyList<RuntimeConfig> runtimes, IPoolRegistry registry, TimeProvider clock, ILogger<PublishedRuntimeCatalog> logger)
{
    /// <summary>How stale the published keys may be: a server that just joined is checked against within a minute.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private RuntimeCatalog _current = new(runtimes);
    private DateTimeOffset? _readAt;

    /// <summary>The catalog to check a task against: the last view, refreshed first when it is due.</summary>
    public async ValueTask<RuntimeCatalog> CurrentAsync(CancellationToken cancellationToken)
    {
        if (!Due())
        {
            return _current;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (Due())
            {
                await RefreshAsync(cancellationToken);
            }
        }
        finally
        {
            _refreshing.Release();
        }

        return _current;
    }

    private bool Due() => _readAt is not { } readAt || clock.GetUtcNow() - readAt >= RefreshInterval;

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var updated = new List<RuntimeConfig>(runtimes.Count);
        foreach (var runtime in runtimes)
        {
            if (runtime.OptionKeys is not null)
            {
                // Configured: the operator's list stands.
                updated.Add(runtime);
                continue;
            }

            try
            {
                var published = (await registry.ServersAsync(runtime.Name, cancellationToken)).Where(s => s.OptionKeys.Count > 0).ToList();
                updated.Add(published.Count == 0
                    ? runtime
                    : runtime.WithOptionKeys([.. published.Skip(1).Aggregate(
                        new HashSet<string>(published[0].OptionKeys, StringComparer.Ordinal),
                        (keys, server) => { keys.IntersectWith(server.OptionKeys); return keys; })]));
            }
            catch (DependencyUnavailableException e)
            {
                LogRegistryUnavailable(runtime.Name, e.Message);
                updated.Add(_current.Find(runtime.Name) ?? runtime);
            }
        }

        _current = new RuntimeCatalog(updated);
        _readAt = clock.GetUtcNow();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runtime {Runtime}: the pool registry could not be read ({Error}); its settings keys stay as they were")]
    private partial void LogRegistryUnavailable(string runtime, string error);
}
