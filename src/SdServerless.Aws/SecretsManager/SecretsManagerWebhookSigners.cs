using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Webhooks;

namespace SdServerless.Aws.SecretsManager;

/// <summary>
/// The webhook secret kept in Secrets Manager, read at run time and cached, so that a rotation (a new AWSCURRENT
/// version) is picked up within <see cref="WebhookSecretOptions.CacheDuration"/> without a redeploy. During
/// <see cref="WebhookSecretOptions.RotationOverlap"/> after a rotation the AWSPREVIOUS version signs too. The
/// secret string is whsec_&lt;base64&gt; or the bare base64 key. When a refresh fails, the secrets read last go on
/// signing; when none was ever read, the delivery fails and is retried.
/// </summary>
public sealed partial class SecretsManagerWebhookSigners(
    SecretsManagerClient client,
    WebhookSecretOptions settings,
    TimeProvider clock,
    ILogger<SecretsManagerWebhookSigners> logger) : IWebhookSignerSource, IDisposable
{
    /// <summary>After a failed refresh, the old secrets are used this long before the next try.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Cached? _cached;
    private string? _versionsInUse;

    /// <summary>
    /// A signer with the current secret (and the previous one during the overlap), read again once the cached read is
    /// older than <see cref="WebhookSecretOptions.CacheDuration"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels a read of the secret.</param>
    /// <exception cref="DependencyUnavailableException">No secret was ever read and Secrets Manager cannot be reached now.</exception>
    /// <exception cref="SecretsManagerException">No secret was ever read and Secrets Manager refused the read.</exception>
    /// <exception cref="FormatException">No secret was ever read and the one read is no webhook secret.</exception>
    public async ValueTask<WebhookSigner> GetSignerAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } fresh && clock.GetUtcNow() < fresh.ExpiresAt)
        {
            return fresh.Signer;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } refreshed && clock.GetUtcNow() < refreshed.ExpiresAt)
            {
                return refreshed.Signer;
            }

            try
            {
                var signer = await ReadAsync(cancellationToken);
                _cached = new Cached(signer, clock.GetUtcNow() + settings.CacheDuration);
                return signer;
            }
            catch (Exception exception) when (_cached is { } stale
                && exception is DependencyUnavailableException or SecretsManagerException or FormatException)
            {
                LogRefreshFailed(exception.Message);
                _cached = stale with { ExpiresAt = clock.GetUtcNow() + RetryAfterFailure };
                return stale.Signer;
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Releases the lock that keeps concurrent refreshes to one read.</summary>
    public void Dispose() => _refresh.Dispose();

    private async Task<WebhookSigner> ReadAsync(CancellationToken cancellationToken)
    {
        var current = await client.GetSecretValueAsync(settings.SecretId, SecretsManagerClient.CurrentStage, cancellationToken)
            ?? throw new SecretsManagerException("ResourceNotFoundException", $"the secret has no {SecretsManagerClient.CurrentStage} version");
        var secrets = new List<WebhookSecret> { Parse(current, SecretsManagerClient.CurrentStage) };

        var overlapEnds = current.CreatedAt + settings.RotationOverlap;
        SecretVersion? previous = null;
        if (clock.GetUtcNow() < overlapEnds)
        {
            previous = await client.GetSecretValueAsync(settings.SecretId, SecretsManagerClient.PreviousStage, cancellationToken);
            if (previous is not null && previous.VersionId != current.VersionId)
            {
                secrets.Add(Parse(previous, SecretsManagerClient.PreviousStage));
            }
        }

        var previousVersionId = secrets.Count > 1 ? previous!.VersionId : "none";
        if (_versionsInUse != current.VersionId + " " + previousVersionId)
        {
            _versionsInUse = current.VersionId + " " + previousVersionId;
            LogSecretsInUse(current.VersionId, previousVersionId, overlapEnds);
        }

        return new WebhookSigner(secrets);
    }

    private static WebhookSecret Parse(SecretVersion version, string stage) =>
        WebhookSecret.TryParse(version.SecretString, out var secret, out var error)
            ? secret
            : throw new FormatException($"The {stage} version {version.VersionId} of the webhook secret is unusable: {error}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks are signed with secret version {VersionId} (and previous version {PreviousVersionId} until {OverlapEnds:o})")]
    private partial void LogSecretsInUse(string versionId, string previousVersionId, DateTimeOffset overlapEnds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read the webhook secret again ({Error}); signing with the secret read before")]
    private partial void LogRefreshFailed(string error);

    private sealed record Cached(WebhookSigner Signer, DateTimeOffset ExpiresAt);
}
