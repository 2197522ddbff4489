using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;
using SdServerless.Core.Telemetry;

namespace SdServerless.Functions.Dispatch;

/// <summary>Wires the dispatcher's parts the same way for the Lambda host, the local host and the tests.</summary>
public static class DispatcherFactory
{
    /// <param name="metrics">Null: per-task figures go to the log (<see cref="LoggingTaskMetrics"/>).</param>
    /// <param name="downloader">Null: URL inputs are fetched over HTTP under <paramref name="options"/>' URL rules.</param>
    /// <param name="sdWebUi">Null: a pooled client with <paramref name="settings"/>' connect timeout.</param>
    public static DispatcherHandler Create(
        IObjectStore store,
        ITaskQueue queue,
        SdServerlessOptions options,
        DispatcherSettings settings,
        ILoggerFactory loggerFactory,
        ITaskMetrics? metrics = null,
        TimeProvider? clock = null,
        IInputDownloader? downloader = null,
        SdWebUiClient? sdWebUi = null,
        EndpointSelector? selector = null)
    {
        clock ??= TimeProvider.System;
        metrics ??= new LoggingTaskMetrics(loggerFactory.CreateLogger<LoggingTaskMetrics>());
        sdWebUi ??= new SdWebUiClient(settings);
        selector ??= new EndpointSelector(settings);
        downloader ??= new HttpInputDownloader(options, settings);
        var output = new TaskOutputWriter(store);
        var generator = new TaskGenerator(
            new InputResolver(downloader, options),
            selector,
            new ModelCatalog(sdWebUi, selector, settings, clock),
            sdWebUi,
            output,
            options,
            settings,
            clock,
            loggerFactory.CreateLogger<TaskGenerator>());
        var records = new TaskRecordHandler(
            new TaskMessageReader(store, clock),
            generator,
            output,
            queue,
            options,
            settings,
            metrics,
            clock,
            loggerFactory.CreateLogger<TaskRecordHandler>());
        return new DispatcherHandler(records, loggerFactory.CreateLogger<DispatcherHandler>());
    }
}
