using SdServerless.Core.Runtimes;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// The --api-auth credentials of each SD Web UI endpoint, from the runtime configuration: every endpoint of a runtime
/// with api_auth gets that runtime's "user:password". They travel only in the Authorization header.
/// </summary>
public static class ApiAuthLookup
{
    public static Func<string, string?> For(IReadOnlyList<RuntimeConfig> runtimes)
    {
        var byEndpoint = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var runtime in runtimes.Where(r => r.ApiAuth is not null))
        {
            foreach (var endpoint in runtime.Endpoints)
            {
                byEndpoint[endpoint.TrimEnd('/')] = runtime.ApiAuth!;
            }
        }

        return endpoint => byEndpoint.GetValueOrDefault(endpoint.TrimEnd('/'));
    }
}
