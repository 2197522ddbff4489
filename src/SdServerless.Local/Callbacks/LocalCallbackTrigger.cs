using System.Text.Json;
using System.Threading.Channels;
using SdServerless.Core;
using SdServerless.Core.Json;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Callback;

namespace SdServerless.Local.Callbacks;

/// <summary>
/// The local stand-in for the S3 notification on result.json: object-created events of the local store become
/// S3 events run through <see cref="CallbackHandler"/> in the background, so that the writer of result.json (the
/// dispatcher) does not wait for webhook retries, as on AWS. Up to <see cref="MaxConcurrentDeliveries"/> run at once,
/// at most <see cref="MaxPerReceiver"/> of them to one receiver (scheme, host and port): a slow receiver holds its own
/// deliveries back, not everyone else's. A result whose receiver is at its bound waits in the queue, not in a worker.
/// Durable across crashes: once the handler is done with a result (delivered, dead-lettered or nothing to send) a
/// marker object is written, and on start every result.json without its marker is handled again. A crash between
/// the two resends the callback with the same webhook-id, which receivers deduplicate on (S3 is at-least-once too).
/// </summary>
public sealed partial class LocalCallbackTrigger : BackgroundService
{
    /// <summary>Markers live under the reserved segment, which no task prefix may use.</summary>
    public const string MarkerPrefix = TaskKeys.ReservedSegment + "/callbacks/";

    /// <summary>Deliveries in flight at once, all receivers together: the trigger's worker count.</summary>
    public const int MaxConcurrentDeliveries = 16;

    /// <summary>Deliveries in flight to one receiver, so that a slow one cannot take every worker.</summary>
    public const int MaxPerReceiver = 4;

    /// <summary>How soon a result whose receiver was at its bound is looked at again.</summary>
    private static readonly TimeSpan ReceiverBusyDelay = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>();
    private readonly Dictionary<string, int> _deliveriesByReceiver = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Results being handled: a result queued twice (its event and the start-up scan) is handled by one worker.</summary>
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private readonly IObjectStore _store;
    private readonly CallbackHandler _handler;
    private readonly string? _defaultWebhookUrl;
    private readonly ILogger<LocalCallbackTrigger> _logger;

    /// <param name="store">Where the results and their markers are.</param>
    /// <param name="source">The store's object-created events: the local S3 notification.</param>
    /// <param name="handler">The callback handler Lambda runs on AWS.</param>
    /// <param name="defaultWebhookUrl">Where a task without callback_url is delivered (the handler's own fallback).</param>
    /// <param name="logger">Reports failed handler runs, their retries and the results resumed at start.</param>
    public LocalCallbackTrigger(IObjectStore store, IObjectCreatedSource source, CallbackHandler handler, string? defaultWebhookUrl, ILogger<LocalCallbackTrigger> logger)
    {
        _store = store;
        _handler = handler;
        _defaultWebhookUrl = defaultWebhookUrl;
        _logger = logger;

        // Subscribed before the start-up scan, so that no result written in between is missed.
        source.ObjectCreated += OnObjectCreatedAsync;
    }

    /// <summary>The marker written once the callback of <paramref name="resultKey"/> needs no more work.</summary>
    public static string MarkerKey(string resultKey) => MarkerPrefix + resultKey + ".done";

    private Task OnObjectCreatedAsync(ObjectCreated created, CancellationToken cancellationToken)
    {
        // The S3 notification of template.yaml filters on the suffix result.json; this mirrors that filter.
        if (TaskKeys.IsTaskResult(created.Key))
        {
            _pending.Writer.TryWrite(new Pending(created, 0));
        }

        return Task.CompletedTask;
    }

    /// <summary>Handles the results left unfinished by an earlier run, then delivers as events arrive until stopped.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeUnfinishedAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, MaxConcurrentDeliveries).Select(_ => Task.Run(() => DeliverAsync(stoppingToken), CancellationToken.None)));
    }

    private async Task DeliverAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var pending in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                lock (_inProgress)
                {
                    if (!_inProgress.Add(pending.Created.Key))
                    {
                        // Another worker has it; it writes the marker, or queues the result again when it fails.
                        continue;
                    }
                }

                string? receiver = null;
                try
                {
                    if (await _store.GetAsync(MarkerKey(pending.Created.Key), stoppingToken) is not null)
                    {
                        continue;
                    }

                    receiver = await ReceiverOfAsync(pending.Created.Key, stoppingToken);
                    if (receiver is not null && !TryEnter(receiver))
                    {
                        receiver = null;
                        Requeue(pending, ReceiverBusyDelay, stoppingToken);
                        continue;
                    }

                    await _handler.HandleAsync(LocalS3Events.FromObjectCreated(pending.Created), stoppingToken);
                    await _store.TryCreateAsync(MarkerKey(pending.Created.Key), ReadOnlyMemory<byte>.Empty, "application/octet-stream", stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    var delay = Backoff(pending.Failures);
                    LogFailed(exception, pending.Created.Key, delay.TotalSeconds);
                    Requeue(pending with { Failures = pending.Failures + 1 }, delay, stoppingToken);
                }
                finally
                {
                    if (receiver is not null)
                    {
                        Exit(receiver);
                    }

                    lock (_inProgress)
                    {
                        _inProgress.Remove(pending.Created.Key);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: results without their marker are found again on the next start.
        }
    }

    /// <summary>
    /// Scheme, host and port of the URL the callback goes to; null when there is none to bound (no URL, or a
    /// result.json the handler will judge itself).
    /// </summary>
    private async Task<string?> ReceiverOfAsync(string resultKey, CancellationToken cancellationToken)
    {
        TaskResult? result;
        try
        {
            var stored = await _store.GetAsync(resultKey, cancellationToken);
            result = stored is null ? null : JsonSerializer.Deserialize(stored.Content.Span, CoreJsonContext.Default.TaskResult);
        }
        catch (JsonException)
        {
            return null;
        }

        var url = string.IsNullOrWhiteSpace(result?.CallbackUrl) ? _defaultWebhookUrl : result.CallbackUrl;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
    }

    private bool TryEnter(string receiver)
    {
        lock (_deliveriesByReceiver)
        {
            var running = _deliveriesByReceiver.GetValueOrDefault(receiver);
            if (running >= MaxPerReceiver)
            {
                return false;
            }

            _deliveriesByReceiver[receiver] = running + 1;
            return true;
        }
    }

    private void Exit(string receiver)
    {
        lock (_deliveriesByReceiver)
        {
            if (--_deliveriesByReceiver[receiver] == 0)
            {
                _deliveriesByReceiver.Remove(receiver);
            }
        }
    }

    /// <summary>Queues every result.json whose callback a previous process did not finish.</summary>
    private async Task ResumeUnfinishedAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var done = (await _store.ListAsync(MarkerPrefix, stoppingToken)).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
                var resumed = 0;
                foreach (var result in await _store.ListAsync(string.Empty, stoppingToken))
                {
                    if (TaskKeys.IsTaskResult(result.Key) && !done.Contains(MarkerKey(result.Key)))
                    {
                        _pending.Writer.TryWrite(new Pending(new ObjectCreated(_store.BucketName, result.Key, result.Size, string.Empty, DateTimeOffset.UtcNow), 0));
                        resumed++;
                    }
                }

                if (resumed > 0)
                {
                    LogResumed(resumed);
                }

                return;
            }
            catch (DependencyUnavailableException exception)
            {
                LogScanFailed(exception.Message);
                await Task.Delay(Backoff(attempt), stoppingToken);
            }
        }
    }

    /// <summary>
    /// Puts the result back after a delay: its receiver was at its bound, or the store or the dead-letter queue failed
    /// (tried again in this process, with backoff).
    /// </summary>
    private void Requeue(Pending pending, TimeSpan delay, CancellationToken stoppingToken)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, stoppingToken);
                _pending.Writer.TryWrite(pending);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: the next start finds the result without its marker.
            }
        }, CancellationToken.None);
    }

    private static TimeSpan Backoff(int failures) => Core.Backoff.Exponential(FirstRetryDelay, failures + 1, MaxRetryDelay);

    private sealed record Pending(ObjectCreated Created, int Failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback for {Key} failed; trying again in {DelaySeconds} s")]
    private partial void LogFailed(Exception exception, string key, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} callback(s) that the previous run did not finish")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list unfinished callbacks ({Reason}); trying again")]
    private partial void LogScanFailed(string reason);
}
