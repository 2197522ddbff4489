using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Storage;
using SdServerless.Core.Webhooks;
using SdServerless.Functions.Composition;

namespace SdServerless.Functions.Callback;

/// <summary>
/// The callback function's parts wired together (registered by
/// <see cref="SdServerlessServiceCollectionExtensions.AddSdServerlessCallback"/>): the handler and the replayer share
/// one webhook delivery. Owns the guarded HttpClient, which the container disposes with it.
/// </summary>
public sealed class CallbackServices : IDisposable
{
    private readonly HttpClient _http;

    internal CallbackServices(
        IObjectStore store,
        IObjectUrlSigner urlSigner,
        CallbackQueues queues,
        IWebhookSignerSource signers,
        SdServerlessOptions options,
        CallbackOptions callbackOptions,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        _http = WebhookDelivery.CreateHttpClient(options);
        var delivery = new WebhookDelivery(_http, signers, options, callbackOptions, clock, loggers.CreateLogger<WebhookDelivery>());
        var writer = new CallbackDeadLetterWriter(queues.DeadLetters, store, callbackOptions, clock);
        Handler = new CallbackHandler(store, urlSigner, delivery, writer, options, callbackOptions, loggers.CreateLogger<CallbackHandler>());
        var bodies = new CallbackBodyRebuilder(store, urlSigner, callbackOptions);
        Replayer = new CallbackReplayer(queues.DeadLetters, bodies, delivery, store, loggers.CreateLogger<CallbackReplayer>(), queues.EventDeadLetters, Handler);
    }

    /// <summary>Delivers the webhook of each result.json event.</summary>
    public CallbackHandler Handler { get; }

    /// <summary>Delivers the dead-lettered webhooks again.</summary>
    public CallbackReplayer Replayer { get; }

    /// <summary>Disposes the webhook HttpClient, which both share.</summary>
    public void Dispose() => _http.Dispose();
}
