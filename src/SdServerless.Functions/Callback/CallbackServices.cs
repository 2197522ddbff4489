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
    /// <exception cref="FormatException"><see cref="SdServerlessOptions.WebhookSecret"/> is missing or not whsec_&lt;base64&gt;.</exception>
    public static CallbackServices Create(
        IObjectStore store,
        IObjectUrlSigner urlSigner,
        ITaskQueue deadLetters,
        SdServerlessOptions options,
        ILoggerFactory loggers,
        CallbackOptions? callbackOptions = null,
        TimeProvider? clock = null)
    {
        callbackOptions ??= new CallbackOptions();
        clock ??= TimeProvider.System;
        var signer = new WebhookSigner(WebhookSecret.Parse(options.WebhookSecret));
        var http = WebhookDelivery.CreateHttpClient(options);
        var delivery = new WebhookDelivery(http, signer, options, callbackOptions, clock, loggers.CreateLogger<WebhookDelivery>());
        var writer = new CallbackDeadLetterWriter(deadLetters, callbackOptions, clock);
        var handler = new CallbackHandler(store, urlSigner, delivery, writer, options, callbackOptions, loggers.CreateLogger<CallbackHandler>());
        var replayer = new CallbackReplayer(deadLetters, delivery, loggers.CreateLogger<CallbackReplayer>());
        return new CallbackServices(http, handler, replayer);
    }

    public void Dispose() => _http.Dispose();
}
