using System.Collections.Concurrent;
using SdServerless.Core;
using SdServerless.Core.Runtimes;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// The --api-auth credentials ("user:password") of each SD Web UI server, by runtime: every server of a runtime with
/// <c>api_auth</c> or <c>api_auth_secret</c> gets them, whether it is a configured endpoint or joined the pool
/// registry. A server the registry handed out is learnt when it is leased (<see cref="PrepareAsync"/>), which is also
/// when a secret is read, then again once <see cref="SecretLifetime"/> has passed (a rotation is picked up). The
/// credentials travel only in the Authorization header.
/// </summary>
/// <param name="runtimes">The runtimes, with their api_auth or api_auth_secret.</param>
/// <param name="readSecret">Reads a secret's current value; null where no secret store is configured (the local host).</param>
/// <param name="clock">When a secret is due to be read again; null: the system clock.</param>
public sealed class SdWebUiCredentials(
    IReadOnlyList<RuntimeConfig> runtimes, Func<string, CancellationToken, Task<string?>>? readSecret = null, TimeProvider? clock = null)
{
    /// <summary>How long a secret read is used before it is read again.</summary>
    public static readonly TimeSpan SecretLifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, RuntimeConfig> _runtimes = runtimes
        .Where(r => r.ApiAuth is not null || r.ApiAuthSecret is not null)
        .ToDictionary(r => r.Name, StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, string> _runtimeOf = new(
        runtimes.SelectMany(r => r.Endpoints.Select(e => KeyValuePair.Create(Normalise(e), r.Name))),
        StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<string, (string Value, DateTimeOffset ReadAt)> _secrets = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The credentials for a server, or null when its runtime needs none (or the server is not known yet).</summary>
    public string? For(string endpoint)
    {
        if (!_runtimeOf.TryGetValue(Normalise(endpoint), out var runtime) || !_runtimes.TryGetValue(runtime, out var config))
        {
            return null;
        }

        return config.ApiAuth ?? (_secrets.TryGetValue(runtime, out var secret) ? secret.Value : null);
    }

    /// <summary>
    /// Before the first call to a leased server: remembers which runtime it serves, and reads the runtime's secret when
    /// it has none or an old one. A <see cref="DispatchFailure"/>: transient when the secret cannot be read and no
    /// earlier read can stand in, permanent when the secret does not hold "user:password".
    /// </summary>
    public async Task PrepareAsync(string runtime, string endpoint, CancellationToken cancellationToken)
    {
        _runtimeOf.TryAdd(Normalise(endpoint), runtime);
        if (!_runtimes.TryGetValue(runtime, out var config) || config.ApiAuthSecret is not { } secretId)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        if (_secrets.TryGetValue(runtime, out var cached) && now - cached.ReadAt < SecretLifetime)
        {
            return;
        }

        if (readSecret is null)
        {
            throw DispatchFailure.Permanent(
                DispatchErrorTypes.PoolUnavailable, $"runtime '{runtime}' keeps its SD Web UI credentials in a secret, and no secret store is configured here");
        }

        string? value;
        try
        {
            value = await readSecret(secretId, cancellationToken);
        }
        catch (DependencyUnavailableException e)
        {
            if (cached.Value is not null)
            {
                // The last read stands in until the store answers again.
                return;
            }

            throw DispatchFailure.Transient(DispatchErrorTypes.PoolUnavailable, $"the SD Web UI credentials of runtime '{runtime}' could not be read: {e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Refused (no such secret, access denied): a deployment mistake that no retry mends.
            throw DispatchFailure.Permanent(DispatchErrorTypes.PoolUnavailable, $"the api_auth_secret of runtime '{runtime}' could not be read: {e.Message}", e);
        }

        if (value is null || value.IndexOf(':', StringComparison.Ordinal) <= 0 || value.Any(char.IsControl))
        {
            // The value is a secret: the message never repeats it.
            throw DispatchFailure.Permanent(
                DispatchErrorTypes.PoolUnavailable, $"the api_auth_secret of runtime '{runtime}' does not hold \"user:password\", as SD Web UI's --api-auth takes it");
        }

        _secrets[runtime] = (value, now);
    }

    private static string Normalise(string endpoint) => endpoint.TrimEnd('/');
}
