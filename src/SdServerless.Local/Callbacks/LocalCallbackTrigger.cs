using System.Threading.Channels;
using SdServerless.Core;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Callback;

namespace SdServerless.Local.Callbacks;

/// <summary>
/// The local stand-in for the S3 notification on result.json: object-created events of the local store become
/// S3 events run through <see cref="CallbackHandler"/> one at a time in the background, so that the writer of
/// result.json (the dispatcher) does not wait for webhook retries, as on AWS.
/// Durable across crashes: once the handler is done with a result (delivered, dead-lettered or nothing to send) a
/// marker object is written, and on start every result.json without its marker is handled again. A crash between
/// the two resends the callback with the same webhook-id, which receivers deduplicate on (S3 is at-least-once too).
/// </summary>
public sealed partial class LocalCallbackTrigger : BackgroundService
{
    /// <summary>Markers live under the reserved segment, which no task prefix may use.</summary>
    public const string MarkerPrefix = TaskKeys.ReservedSegment + "/callbacks/";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IObjectStore _store;
    private readonly CallbackHandler _handler;
    private readonly ILogger<LocalCallbackTrigger> _logger;

    public LocalCallbackTrigger(IObjectStore store, IObjectCreatedSource source, CallbackHandler handler, ILogger<LocalCallbackTrigger> logger)
    {
        _store = store;
        _handler = handler;
        _logger = logger;

        // Subscribed before the start-up scan, so that no result written in between is missed.
        source.ObjectCreated += OnObjectCreatedAsync;
    }

    /// <summary>The marker written once the callback of <paramref name="resultKey"/> needs no more work.</summary>
    public static string MarkerKey(string resultKey) => MarkerPrefix + resultKey + ".done";

    private static bool IsTaskResult(string key) =>
        TaskKeys.IsResult(key) && !key.StartsWith(TaskKeys.ReservedSegment + "/", StringComparison.Ordinal);

    private Task OnObjectCreatedAsync(ObjectCreated created, CancellationToken cancellationToken)
    {
        // The S3 notification of template.yaml filters on the suffix result.json; this mirrors that filter.
        if (IsTaskResult(created.Key))
        {
            _pending.Writer.TryWrite(new Pending(created, 0));
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeUnfinishedAsync(stoppingToken);
        await foreach (var pending in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (await _store.GetAsync(MarkerKey(pending.Created.Key), stoppingToken) is not null)
                {
                    continue;
                }

                await _handler.HandleAsync(LocalS3Events.FromObjectCreated(pending.Created), stoppingToken);
                await _store.TryCreateAsync(MarkerKey(pending.Created.Key), ReadOnlyMemory<byte>.Empty, "application/octet-stream", stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                RetryLater(pending, exception, stoppingToken);
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
                    if (IsTaskResult(result.Key) && !done.Contains(MarkerKey(result.Key)))
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

    /// <summary>The store or the dead-letter queue failed: the callback is tried again, in this process, with backoff.</summary>
    private void RetryLater(Pending pending, Exception exception, CancellationToken stoppingToken)
    {
        var delay = Backoff(pending.Failures);
        LogFailed(exception, pending.Created.Key, delay.TotalSeconds);
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, stoppingToken);
                _pending.Writer.TryWrite(pending with { Failures = pending.Failures + 1 });
            }
            catch (OperationCanceledException)
            {
                // Shutting down: the next start finds the result without its marker.
            }
        }, CancellationToken.None);
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(failures, 10)));

    private sealed record Pending(ObjectCreated Created, int Failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback for {Key} failed; trying again in {DelaySeconds} s")]
    private partial void LogFailed(Exception exception, string key, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} callback(s) that the previous run did not finish")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list unfinished callbacks ({Reason}); trying again")]
    private partial void LogScanFailed(string reason);
}
