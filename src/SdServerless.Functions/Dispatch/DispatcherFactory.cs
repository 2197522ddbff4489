using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Pool;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;
using SdServerless.Core.Telemetry;
using SdServerless.Functions.Pool;

namespace SdServerless.Functions.Dispatch;

/// <summary>Wires the dispatcher's parts the same way for the Lambda host, the local host and the tests.</summary>
public static class DispatcherFactory
{
    /// <param name="metrics">Null: per-task figures go to the log (<see cref="LoggingTaskMetrics"/>).</param>
    /// <param name="downloader">Null: URL inputs are fetched over HTTP under <paramref name="options"/>' URL rules.</param>
    /// <param name="registry">Null: the configured endpoints, in this process's memory.</param>
    /// <param name="sdWebUi">Null: a pooled client with <paramref name="settings"/>' connect timeout and <paramref name="credentials"/>.</param>
    /// <param name="credentials">Null: the runtimes' api_auth (their api_auth_secret cannot be read without a secret store).</param>
    /// <param name="queues">Every runtime's queue: a record's eventSourceARN names the one it came from.</param>
    public static DispatcherHandler Create(
        IObjectStore store,
        TaskQueues queues,
        SdServerlessOptions options,
        DispatcherSettings settings,
        ILoggerFactory loggerFactory,
        ITaskMetrics? metrics = null,
        TimeProvider? clock = null,
        IInputDownloader? downloader = null,
        SdWebUiClient? sdWebUi = null,
        IPoolRegistry? registry = null,
        SdWebUiCredentials? credentials = null)
    {
        clock ??= TimeProvider.System;
        metrics ??= new LoggingTaskMetrics(loggerFactory.CreateLogger<LoggingTaskMetrics>());
        credentials ??= new SdWebUiCredentials(options.Runtimes, clock: clock);
        sdWebUi ??= new SdWebUiClient(settings, credentials.For);
        registry ??= new InProcessPoolRegistry(FixedPoolServers.From(options.Runtimes, settings.CapacityOf), settings.PoolRules, clock);
        downloader ??= new HttpInputDownloader(options, settings);
        var output = new TaskOutputWriter(store);
        var generator = new TaskGenerator(
            new InputResolver(downloader, options),
            registry,
            new ModelCatalog(sdWebUi, registry, settings, clock),
            sdWebUi,
            credentials,
            output,
            options,
            settings,
            clock,
            loggerFactory.CreateLogger<TaskGenerator>());
        var records = new TaskRecordHandler(
            new TaskMessageReader(store, clock),
            generator,
            output,
            queues,
            new TaskPutBack(settings, clock, loggerFactory.CreateLogger<TaskPutBack>()),
            options,
            settings,
            metrics,
            clock,
            loggerFactory.CreateLogger<TaskRecordHandler>());
        return new DispatcherHandler(records, loggerFactory.CreateLogger<DispatcherHandler>());
    }
}
