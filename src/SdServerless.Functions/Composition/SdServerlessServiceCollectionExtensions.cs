using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Configuration;
using SdServerless.Core.Net;
using SdServerless.Core.Pool;
using SdServerless.Core.Queueing;
using SdServerless.Core.Runtimes;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Core.Telemetry;
using SdServerless.Core.Webhooks;
using SdServerless.Functions.Api;
using SdServerless.Functions.Callback;
using SdServerless.Functions.Dispatch;
using SdServerless.Functions.Pool;

namespace SdServerless.Functions.Composition;

/// <summary>
/// The one composition of the three handlers, shared by the Lambda host, the local host and the tests. The host
/// registers what differs between them, its adapters: <see cref="IObjectStore"/>, <see cref="TaskQueues"/>, the
/// <see cref="SdServerlessOptions"/> it bound once, an <see cref="ILoggerFactory"/>, and, where it has them, the
/// pool registry, the callback's queues and URL signer. Every other part has a default here, registered only when
/// the host (or a test) has not registered its own. Each registration is a factory that calls a constructor, so the
/// container never activates a type by reflection (the Lambda is Native AOT).
/// </summary>
public static class SdServerlessServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ApiHandler"/>. A registered <see cref="IPoolRegistry"/> supplies the settings keys its servers
    /// published and counts each accepted task's checkpoint; a registered <see cref="IQueuePositions"/> gives queued
    /// tasks their position.
    /// </summary>
    public static IServiceCollection AddSdServerlessApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var store = sp.GetRequiredService<IObjectStore>();
            var options = sp.GetRequiredService<SdServerlessOptions>();
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var clock = sp.GetRequiredService<TimeProvider>();
            var registry = sp.GetService<IPoolRegistry>();
            var positions = sp.GetService<IQueuePositions>();
            var statusReader = new TaskStatusReader(store, positions is null ? null : positions.PositionAsync);
            var urlPolicy = new UrlPolicy(options.AllowHttp, options.AllowPrivateNetwork);
            var parser = registry is null
                ? new TaskParser(new RuntimeCatalog(options.Runtimes), urlPolicy)
                : new TaskParser(new PublishedRuntimeCatalog(options.Runtimes, registry, clock, loggers.CreateLogger<PublishedRuntimeCatalog>()).CurrentAsync, urlPolicy);
            return new ApiHandler(
                parser,
                new TaskSubmission(store, sp.GetRequiredService<TaskQueues>(), options, clock, loggers.CreateLogger<TaskSubmission>(), registry),
                statusReader,
                new TaskCancellation(store, statusReader, clock),
                new TaskListing(store, statusReader),
                options,
                loggers.CreateLogger<ApiHandler>());
        });
        return services;
    }

    /// <summary>
    /// <see cref="DispatcherHandler"/>, with defaults for what it talks to: the <see cref="DispatcherOptions"/>
    /// (its defaults), per-task figures to the log, the runtimes' api_auth as SD Web UI credentials (an
    /// api_auth_secret needs a host with a secret store), a pooled SD Web UI client, URL inputs over HTTP, and the
    /// configured endpoints as an in-process pool registry.
    /// </summary>
    public static IServiceCollection AddSdServerlessDispatcher(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new DispatcherOptions());
        services.TryAddSingleton<ITaskMetrics>(sp => new LoggingTaskMetrics(sp.GetRequiredService<ILoggerFactory>().CreateLogger<LoggingTaskMetrics>()));
        services.TryAddSingleton(sp => new SdWebUiCredentials(sp.GetRequiredService<SdServerlessOptions>().Runtimes, clock: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SdWebUiClient(sp.GetRequiredService<DispatcherOptions>(), sp.GetRequiredService<SdWebUiCredentials>().For));
        services.TryAddSingleton<IInputDownloader>(sp => new HttpInputDownloader(sp.GetRequiredService<SdServerlessOptions>(), sp.GetRequiredService<DispatcherOptions>()));
        services.TryAddSingleton<IPoolRegistry>(sp =>
        {
            var settings = sp.GetRequiredService<DispatcherOptions>();
            return new InProcessPoolRegistry(
                FixedPoolServers.From(sp.GetRequiredService<SdServerlessOptions>().Runtimes, settings.CapacityOf), settings.PoolRules, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton(sp =>
        {
            var store = sp.GetRequiredService<IObjectStore>();
            var options = sp.GetRequiredService<SdServerlessOptions>();
            var settings = sp.GetRequiredService<DispatcherOptions>();
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var clock = sp.GetRequiredService<TimeProvider>();
            var registry = sp.GetRequiredService<IPoolRegistry>();
            var sdWebUi = sp.GetRequiredService<SdWebUiClient>();
            var output = new TaskOutputWriter(store);
            var generator = new TaskGenerator(
                new InputResolver(sp.GetRequiredService<IInputDownloader>(), options),
                registry,
                new ModelCatalog(sdWebUi, registry, settings, clock),
                sdWebUi,
                sp.GetRequiredService<SdWebUiCredentials>(),
                output,
                options,
                settings,
                clock,
                loggers.CreateLogger<TaskGenerator>());
            var records = new TaskRecordHandler(
                new TaskMessageReader(store, clock),
                generator,
                output,
                sp.GetRequiredService<TaskQueues>(),
                new TaskPutBack(settings, clock, loggers.CreateLogger<TaskPutBack>()),
                options,
                settings,
                sp.GetRequiredService<ITaskMetrics>(),
                clock,
                loggers.CreateLogger<TaskRecordHandler>());
            return new DispatcherHandler(records, loggers.CreateLogger<DispatcherHandler>());
        });
        return services;
    }

    /// <summary>
    /// <see cref="CallbackHandler"/> and <see cref="CallbackReplayer"/>, sharing one webhook delivery (its guarded
    /// HttpClient lives as long as the container). The host registers <see cref="CallbackQueues"/> and an
    /// <see cref="IObjectUrlSigner"/>; the webhook secrets default to the fixed
    /// <see cref="SdServerlessOptions.WebhookSecret"/> (resolving then throws <see cref="FormatException"/> when it is
    /// missing or not whsec_&lt;base64&gt;), the delivery's knobs to <see cref="CallbackOptions"/>' defaults.
    /// </summary>
    public static IServiceCollection AddSdServerlessCallback(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new CallbackOptions());
        services.TryAddSingleton<IWebhookSignerSource>(sp => new WebhookSigner(WebhookSecret.Parse(sp.GetRequiredService<SdServerlessOptions>().WebhookSecret)));
        services.TryAddSingleton(sp => new CallbackServices(
            sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<IObjectUrlSigner>(),
            sp.GetRequiredService<CallbackQueues>(),
            sp.GetRequiredService<IWebhookSignerSource>(),
            sp.GetRequiredService<SdServerlessOptions>(),
            sp.GetRequiredService<CallbackOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<CallbackServices>().Handler);
        services.TryAddSingleton(sp => sp.GetRequiredService<CallbackServices>().Replayer);
        return services;
    }
}
