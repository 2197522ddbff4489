using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Net;
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

    public static ApiHandler Create(IObjectStore store, TaskQueues queues, SdServerlessOptions options, ILoggerFactory loggers, TimeProvider? clock = null) =>
        new(
            new TaskParser(new RuntimeCatalog(options.Runtimes), new UrlPolicy(options.AllowHttp, options.AllowPrivateNetwork)),
            new TaskSubmission(store, queues, options, clock ?? TimeProvider.System, loggers.CreateLogger<TaskSubmission>()),
            new TaskStatusReader(store),
            options,
            loggers.CreateLogger<ApiHandler>());
}
