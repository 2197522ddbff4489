using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdServerless.Core;
using SdServerless.Core.Pool;
using SdServerless.Functions.Dispatch;

namespace SdServerless.Functions.Pool;

/// <summary>
/// One SD Web UI server's membership of the pool, run beside it (or beside an emulated one): wait until SD Web UI
/// answers, register what it has (GPUs, checkpoint titles, loaded checkpoint, option keys), send a heartbeat every
/// <see cref="PoolMembershipOptions.HeartbeatInterval"/>, register again when a heartbeat finds the entry gone
/// (expired, or deleted by hand), and deregister when stopped. A registry outage is logged and outlived: the next
/// heartbeat tries again.
/// </summary>
public sealed partial class PoolMembership(IPoolRegistry registry, SdWebUiClient sdWebUi, PoolMembershipOptions options, ILogger<PoolMembership> logger)
{
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the server's entry is first written.</summary>
    public Task Joined => _joined.Task;

    /// <summary>Runs until <paramref name="stoppingToken"/> fires, then deregisters the server if it had joined.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            var server = await WaitUntilAnsweringAsync(stoppingToken);
            while (!await TryRegisterAsync(server, stoppingToken))
            {
                await Task.Delay(options.ProbeInterval, stoppingToken);
            }

            _joined.TrySetResult();
            while (true)
            {
                await Task.Delay(options.HeartbeatInterval, stoppingToken);
                await HeartbeatAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        if (_joined.Task.IsCompletedSuccessfully)
        {
            await DeregisterAsync();
        }
        else
        {
            _joined.TrySetCanceled(stoppingToken);
        }
    }

    private async Task<PoolServer> WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryDescribeAsync(cancellationToken) is { } server)
            {
                return server;
            }

            await Task.Delay(options.ProbeInterval, cancellationToken);
        }
    }

    /// <summary>What SD Web UI says of itself; null while it does not answer.</summary>
    private async Task<PoolServer?> TryDescribeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var models = await sdWebUi.GetModelsAsync(options.Url, cancellationToken);
            var settings = await sdWebUi.GetOptionsAsync(options.Url, cancellationToken);
            return new PoolServer
            {
                Runtime = options.Runtime,
                Url = options.Url,
                Gpus = Math.Max(1, options.Gpus),
                LoadedModel = SdWebUiClient.LoadedModel(settings),
                Models = [.. models.Select(m => m.Title)],
                OptionKeys = [.. settings.Select(o => o.Key)],
                InstanceId = options.InstanceId,
            };
        }
        catch (Exception e) when (e is DispatchFailure or JsonException)
        {
            LogNotAnswering(options.Url, e.Message);
            return null;
        }
    }

    private async Task<bool> TryRegisterAsync(PoolServer server, CancellationToken cancellationToken)
    {
        try
        {
            await registry.RegisterAsync(server, cancellationToken);
            LogRegistered(server.Url, server.Runtime, server.Gpus, server.LoadedModel);
            return true;
        }
        catch (DependencyUnavailableException e)
        {
            LogRegistryUnavailable(options.Url, e.Message);
            return false;
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await registry.HeartbeatAsync(options.Runtime, options.Url, cancellationToken))
            {
                return;
            }
        }
        catch (DependencyUnavailableException e)
        {
            LogRegistryUnavailable(options.Url, e.Message);
            return;
        }

        // The entry is gone: join again with what the server has now (not answering: try at the next heartbeat).
        LogEntryGone(options.Url);
        if (await TryDescribeAsync(cancellationToken) is { } server)
        {
            await TryRegisterAsync(server, cancellationToken);
        }
    }

    private async Task DeregisterAsync()
    {
        using var timeout = new CancellationTokenSource(options.DeregisterTimeout);
        try
        {
            await registry.DeregisterAsync(options.Runtime, options.Url, timeout.Token);
            LogDeregistered(options.Url, options.Runtime);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            // The entry goes stale within a minute and expires on its own.
            LogRegistryUnavailable(options.Url, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SD Web UI at {Url} is not answering yet: {Error}")]
    private partial void LogNotAnswering(string url, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "SD Web UI at {Url} joined runtime {Runtime} with {Gpus} GPU(s), {LoadedModel} loaded")]
    private partial void LogRegistered(string url, string runtime, int gpus, string? loadedModel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SD Web UI at {Url} had no pool entry any more; joining again")]
    private partial void LogEntryGone(string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The pool registry is unavailable for {Url}: {Error}")]
    private partial void LogRegistryUnavailable(string url, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "SD Web UI at {Url} left runtime {Runtime}")]
    private partial void LogDeregistered(string url, string runtime);
}
