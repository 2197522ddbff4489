using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Net;
using SdServerless.Core.Pool;
using SdServerless.Core.Queueing;
using SdServerless.Core.Runtimes;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Api;

/// <summary>Wires the API handler the same way for the Lambda host, the local host and the tests.</summary>
public static class ApiHandlerFactory
{
    public static ApiHandler Create(IObjectStore store, ITaskQueue queue, SdServerlessOptions options, ILoggerFactory loggers, TimeProvider? clock = null) =>
        Create(store, TaskQueues.Single(queue), options, loggers, clock);

    /// <param name="queuePositions">Where a queued task stands in its queue, when the host knows (the local host).</param>
    /// <param name="registry">The pool registry: its servers publish their settings keys (<see cref="PublishedRuntimeCatalog"/>), and it counts each accepted task's checkpoint; null: the configuration alone, nothing counted.</param>
    public static ApiHandler Create(
        IObjectStore store,
        TaskQueues queues,
        SdServerlessOptions options,
        ILoggerFactory loggers,
        TimeProvider? clock = null,
        Func<string, CancellationToken, Task<long?>>? queuePositions = null,
        IPoolRegistry? registry = null)
    {
        clock ??= TimeProvider.System;
        var statusReader = new TaskStatusReader(store, queuePositions);
        var urlPolicy = new UrlPolicy(options.AllowHttp, options.AllowPrivateNetwork);
        var parser = registry is null
            ? new TaskParser(new RuntimeCatalog(options.Runtimes), urlPolicy)
            : new TaskParser(new PublishedRuntimeCatalog(options.Runtimes, registry, clock, loggers.CreateLogger<PublishedRuntimeCatalog>()).CurrentAsync, urlPolicy);
        return new(
            parser,
            new TaskSubmission(store, queues, options, clock, loggers.CreateLogger<TaskSubmission>(), registry),
            statusReader,
            new TaskCancellation(store, statusReader, clock),
            new TaskListing(store, statusReader),
            options,
            loggers.CreateLogger<ApiHandler>());
    }
}
