using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;
using SdServerless.Core.Webhooks;

namespace SdServerless.Functions.Callback;

/// <summary>
/// The callback function's parts wired together, the same way in both hosts. Owns the guarded HttpClient.
/// </summary>
public sealed class CallbackServices : IDisposable
{
    private readonly HttpClient _http;

    private CallbackServices(HttpClient http, CallbackHandler handler, CallbackReplayer replayer)
    {
        _http = http;
        Handler = handler;
        Replayer = replayer;
    }

    public CallbackHandler Handler { get; }

    public CallbackReplayer Replayer { get; }

    /// <param name="deadLetters">The callback dead-letter queue (not the task queue).</param>
    /// <param name="eventDeadLetters">Where the callback function's failed S3 events wait (AWS), for the replay to run again; null: none.</param>
    /// <param name="signers">Where the webhook secrets come from; null: the fixed <see cref="SdServerlessOptions.WebhookSecret"/>.</param>
    /// <exception cref="FormatException">No <paramref name="signers"/>, and the WebhookSecret option is missing or not whsec_&lt;base64&gt;.</exception>
    public static CallbackServices Create(
        IObjectStore store,
        IObjectUrlSigner urlSigner,
        ITaskQueue deadLetters,
        SdServerlessOptions options,
        ILoggerFactory loggers,
        CallbackOptions? callbackOptions = null,
        TimeProvider? clock = null,
        IWebhookSignerSource? signers = null,
        ITaskQueue? eventDeadLetters = null)
    {
        callbackOptions ??= new CallbackOptions();
        clock ??= TimeProvider.System;
        signers ??= new WebhookSigner(WebhookSecret.Parse(options.WebhookSecret));
        var http = WebhookDelivery.CreateHttpClient(options);
        var delivery = new WebhookDelivery(http, signers, options, callbackOptions, clock, loggers.CreateLogger<WebhookDelivery>());
        var writer = new CallbackDeadLetterWriter(deadLetters, store, callbackOptions, clock);
        var handler = new CallbackHandler(store, urlSigner, delivery, writer, options, callbackOptions, loggers.CreateLogger<CallbackHandler>());
        var bodies = new CallbackBodyRebuilder(store, urlSigner, callbackOptions);
        var replayer = new CallbackReplayer(deadLetters, bodies, delivery, store, loggers.CreateLogger<CallbackReplayer>(), eventDeadLetters, handler);
        return new CallbackServices(http, handler, replayer);
    }

    public void Dispose() => _http.Dispose();
}
