using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Net;
using SdServerless.Core.Webhooks;

namespace SdServerless.Functions.Callback;

/// <summary>
/// POSTs one signed webhook, retrying what may succeed later (5xx, 408, 429, timeouts, connection errors) with
/// exponential backoff and jitter, honouring Retry-After, until the attempts, the delivery budget or the
/// caller's token (the invocation's deadline) run out. Every attempt carries the same webhook-id and a fresh
/// timestamp and signature, made with the secrets in force at that moment. The HttpClient should come from <see cref="GuardedHttpHandler"/>, which refuses
/// non-public addresses at connect time.
/// </summary>
public sealed partial class WebhookDelivery(
    HttpClient http,
    IWebhookSignerSource signers,
    SdServerlessOptions options,
    CallbackOptions callbackOptions,
    TimeProvider clock,
    ILogger<WebhookDelivery> logger)
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    /// <summary>
    /// Delivers one webhook or says why not; never throws for the receiver's failures. A URL the policy refuses is not
    /// contacted at all.
    /// </summary>
    /// <param name="url">The callback URL.</param>
    /// <param name="webhookId">The id every attempt carries.</param>
    /// <param name="body">The JSON body, signed afresh at each attempt.</param>
    /// <param name="taskId">The task reported, for the logs.</param>
    /// <param name="cancellationToken">The invocation's deadline: no attempt starts after it.</param>
    public async Task<WebhookDeliveryResult> DeliverAsync(string url, string webhookId, ReadOnlyMemory<byte> body, string? taskId, CancellationToken cancellationToken)
    {
        if (new UrlPolicy(options.AllowHttp, options.AllowPrivateNetwork).CheckSyntax(url) is { } violation)
        {
            return new WebhookDeliveryResult(WebhookDeliveryOutcome.Refused, 0, null, "the callback URL " + violation);
        }

        var uri = new Uri(url);
        var deadline = clock.GetUtcNow() + callbackOptions.MaxDeliveryTime;
        for (var attempt = 1; ; attempt++)
        {
            var (status, retryAfter, failure, reason) = await SendOnceAsync(uri, webhookId, body, cancellationToken);
            if (failure is AttemptFailure.Blocked or AttemptFailure.Cancelled)
            {
                var outcome = failure == AttemptFailure.Blocked ? WebhookDeliveryOutcome.Refused : WebhookDeliveryOutcome.GaveUp;
                return new WebhookDeliveryResult(outcome, attempt, status, reason);
            }

            if (status is >= 200 and < 300)
            {
                return new WebhookDeliveryResult(WebhookDeliveryOutcome.Delivered, attempt, status, null);
            }

            if (status == (int)HttpStatusCode.Gone)
            {
                return new WebhookDeliveryResult(WebhookDeliveryOutcome.Gone, attempt, status, "the receiver answered 410 Gone");
            }

            if (status is { } permanent && !IsRetryable(permanent))
            {
                return new WebhookDeliveryResult(WebhookDeliveryOutcome.Rejected, attempt, status, $"the receiver answered {permanent}");
            }

            LogAttemptFailed(taskId, webhookId, attempt, reason);
            if (attempt >= callbackOptions.MaxAttempts)
            {
                return new WebhookDeliveryResult(WebhookDeliveryOutcome.GaveUp, attempt, status, $"{reason} after {attempt} attempts");
            }

            var delay = retryAfter ?? Backoff(attempt);
            if (clock.GetUtcNow() + delay > deadline)
            {
                return new WebhookDeliveryResult(WebhookDeliveryOutcome.GaveUp, attempt, status, $"{reason}; no time left for attempt {attempt + 1}");
            }

            try
            {
                await Task.Delay(delay, clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return new WebhookDeliveryResult(WebhookDeliveryOutcome.GaveUp, attempt, status, $"{reason}; the invocation ended before the next attempt");
            }
        }
    }

    private async Task<AttemptResult> SendOnceAsync(Uri uri, string webhookId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        WebhookSigner signer;
        try
        {
            signer = await signers.GetSignerAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(null, null, AttemptFailure.Cancelled, "the invocation ended while reading the webhook secret");
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.TryAddWithoutValidation(WebhookHeaderNames.Id, webhookId);
        request.Headers.TryAddWithoutValidation(WebhookHeaderNames.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookHeaderNames.Signature, signer.Sign(webhookId, timestamp, body.Span));

        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeout.CancelAfter(callbackOptions.AttemptTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token);
            var status = (int)response.StatusCode;
            return new AttemptResult(status, RetryAfter(response.Headers.RetryAfter), AttemptFailure.None, $"the receiver answered {status}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(null, null, AttemptFailure.Cancelled, "the invocation ended during an attempt");
        }
        catch (OperationCanceledException)
        {
            return new AttemptResult(null, null, AttemptFailure.Retryable, $"no answer within {callbackOptions.AttemptTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException exception) when (BlockedAddressException.FindIn(exception) is { } blocked)
        {
            return new AttemptResult(null, null, AttemptFailure.Blocked, blocked.Message);
        }
        catch (HttpRequestException exception)
        {
            return new AttemptResult(null, null, AttemptFailure.Retryable, $"connection failed: {exception.Message}");
        }
    }

    /// <summary>The client for deliveries: connects only to addresses the URL rules allow, never follows redirects.</summary>
    public static HttpClient CreateHttpClient(SdServerlessOptions options) =>
        GuardedHttpHandler.CreateClient(GuardedHttpHandler.AddressRule(options.AllowPrivateNetwork), maxRedirects: 0);

    private static bool IsRetryable(int status) =>
        status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500;

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        TimeSpan? wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - clock.GetUtcNow(),
            _ => null,
        };
        if (wait is not { } value)
        {
            return null;
        }

        return value < TimeSpan.Zero ? TimeSpan.Zero : value > callbackOptions.MaxRetryAfter ? callbackOptions.MaxRetryAfter : value;
    }

    /// <summary>Doubling from InitialBackoff, capped, with "equal jitter": half fixed, half random.</summary>
    private TimeSpan Backoff(int attempt) =>
        Core.Backoff.WithJitter(Core.Backoff.Exponential(callbackOptions.InitialBackoff, attempt, callbackOptions.MaxBackoff), Random.Shared.NextDouble());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback of task {TaskId} ({WebhookId}) attempt {Attempt} failed: {Reason}")]
    private partial void LogAttemptFailed(string? taskId, string webhookId, int attempt, string reason);

    /// <param name="Status">The HTTP status, when an answer came.</param>
    /// <param name="RetryAfter">The receiver's Retry-After, capped.</param>
    /// <param name="Failure">Whether the attempt failed, and whether another may help.</param>
    /// <param name="Reason">What went wrong, for the log and the dead letter.</param>
    private readonly record struct AttemptResult(int? Status, TimeSpan? RetryAfter, AttemptFailure Failure, string Reason);

    private enum AttemptFailure
    {
        None,
        Retryable,
        Blocked,
        Cancelled,
    }
}
