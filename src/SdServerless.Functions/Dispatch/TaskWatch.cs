using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Watches one task while the dispatcher holds it, about once an interval: has the client cancelled it (cancel.json),
/// and, once its request is the one its server runs, how far the server is (passed to the progress callback, which
/// writes state.json). So a task costs one progress call per interval however many clients poll its status. On a
/// cancel the watch ends the wait for a server (<see cref="CancelRequested"/>) or interrupts the server, but only when
/// the task's request is the one running there: SD Web UI then answers it with the images made so far.
/// </summary>
internal sealed partial class TaskWatch : IAsyncDisposable
{
    private readonly SdTask _task;
    private readonly TaskOutputWriter _output;
    private readonly SdWebUiClient _client;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cancelled = new();
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;
    private volatile Request? _request;
    private volatile bool _interruptSent;

    public TaskWatch(SdTask task, TaskOutputWriter output, SdWebUiClient client, TimeSpan interval, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        _task = task;
        _output = output;
        _client = client;
        _interval = interval;
        _clock = clock;
        _logger = logger;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Fires once the watch has seen the client's cancel.</summary>
    public CancellationToken CancelRequested => _cancelled.Token;

    /// <summary>The server was told to stop this task's request: its answer holds only the images made so far.</summary>
    public bool InterruptSent => _interruptSent;

    /// <summary>The request went to <paramref name="endpoint"/>; from now on the watch reads its progress.</summary>
    /// <param name="endpoint">The server the request went to.</param>
    /// <param name="isRunning">True while the request is the one the server runs (see <see cref="Core.Pool.IPoolRegistry.IsRunningAsync"/>).</param>
    /// <param name="progressed">Called with each progress read: share done (0..1), seconds left.</param>
    public void Sent(string endpoint, Func<CancellationToken, Task<bool>> isRunning, Func<double, double?, CancellationToken, Task> progressed) =>
        _request = new Request(endpoint, isRunning, progressed);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _cancelled.Dispose();
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var cancelSeen = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _clock, stop);
                if (!cancelSeen && await _output.CancelRequestedAsync(_task.Id, stop))
                {
                    cancelSeen = true;
                    LogCancelSeen(_logger, _task.Id);
                    await _cancelled.CancelAsync();
                }

                if (_request is not { } request || !await request.IsRunning(stop))
                {
                    continue;
                }

                if (cancelSeen)
                {
                    // Again each round while the request still runs: SD Web UI forgets an interrupt that reaches it
                    // before it has begun the job (our request may still be on its way when the registry says it runs).
                    // Noted before the call: the server may answer the generation before it answers the interrupt.
                    var first = !_interruptSent;
                    _interruptSent = true;
                    await _client.InterruptAsync(request.Endpoint, stop);
                    if (first)
                    {
                        LogInterrupted(_logger, _task.Id, request.Endpoint);
                    }

                    continue;
                }

                var (progress, eta) = await _client.GetProgressAsync(request.Endpoint, stop);
                await request.Progressed(progress, eta, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DispatchFailure or DependencyUnavailableException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                // Progress is a hint and the cancel is read again next time: the generation itself goes on.
                LogWatchFailed(_logger, _task.Id, e.Message);
            }
        }
    }

    private sealed record Request(string Endpoint, Func<CancellationToken, Task<bool>> IsRunning, Func<double, double?, CancellationToken, Task> Progressed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: cancel requested by the client")]
    private static partial void LogCancelSeen(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: interrupted its generation on {Endpoint}")]
    private static partial void LogInterrupted(ILogger logger, string taskId, string endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: watch step failed ({Error}); trying again")]
    private static partial void LogWatchFailed(ILogger logger, string taskId, string error);
}
