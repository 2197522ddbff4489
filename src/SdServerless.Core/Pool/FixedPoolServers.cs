using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Pool;

/// <summary>The endpoints the runtime configuration names: entries of every registry, never stale.</summary>
public static class FixedPoolServers
{
    /// <summary>One fixed entry per distinct endpoint of each runtime, under that runtime's name.</summary>
    /// <param name="runtimes">The configured runtimes; a runtime without endpoints adds none.</param>
    /// <param name="gpusOf">Generations an endpoint runs at once (one per SD Web UI process; more for the emulator).</param>
    public static IReadOnlyList<PoolServer> From(IEnumerable<RuntimeConfig> runtimes, Func<string, int> gpusOf) =>
        [.. runtimes.SelectMany(runtime => runtime.Endpoints.Distinct(StringComparer.Ordinal).Select(url => new PoolServer
        {
            Runtime = runtime.Name,
            Url = url,
            Gpus = Math.Max(1, gpusOf(url)),
            Fixed = true,
        }))];
}
