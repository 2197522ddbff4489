using System.Threading.Channels;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Callback;

namespace SdServerless.Local.Callbacks;

/// <summary>
/// The local stand-in for the S3 notification on result.json: object-created events of the local store become
/// S3 events run through <see cref="CallbackHandler"/> one at a time in the background, so that the writer of
/// result.json (the dispatcher) does not wait for webhook retries, as on AWS.
/// Events still queued when the process dies are lost (the status endpoint still shows the result).
/// </summary>
public sealed partial class LocalCallbackTrigger : BackgroundService
{
    private readonly Channel<ObjectCreated> _pending = Channel.CreateUnbounded<ObjectCreated>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CallbackHandler _handler;
    private readonly ILogger<LocalCallbackTrigger> _logger;

    public LocalCallbackTrigger(IObjectCreatedSource source, CallbackHandler handler, ILogger<LocalCallbackTrigger> logger)
    {
        _handler = handler;
        _logger = logger;
        source.ObjectCreated += OnObjectCreatedAsync;
    }

    private Task OnObjectCreatedAsync(ObjectCreated created, CancellationToken cancellationToken)
    {
        // The S3 notification of template.yaml filters on the suffix result.json; this mirrors that filter.
        if (TaskKeys.IsResult(created.Key))
        {
            _pending.Writer.TryWrite(created);
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var created in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await _handler.HandleAsync(LocalS3Events.FromObjectCreated(created), stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception, created.Key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback for {Key} failed")]
    private partial void LogFailed(Exception exception, string key);
}
