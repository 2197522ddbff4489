namespace SdServerless.Core.Webhooks;

/// <summary>
/// Where the signer of the moment comes from: a fixed secret in the local host, the secret store on AWS (read at run
/// time, so that a rotation needs no redeploy). Asked once per delivery attempt.
/// </summary>
public interface IWebhookSignerSource
{
    /// <exception cref="DependencyUnavailableException">The secret cannot be read now and none was read before.</exception>
    ValueTask<WebhookSigner> GetSignerAsync(CancellationToken cancellationToken);
}
