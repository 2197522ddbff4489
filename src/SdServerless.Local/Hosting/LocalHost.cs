using Microsoft.Extensions.Logging.Console;
using SdServerless.Core.Telemetry;
using SdServerless.Functions.Api;
using SdServerless.Functions.Callback;
using SdServerless.Functions.Dispatch;
using SdServerless.Core.Pool;
using SdServerless.Functions.Pool;
using SdServerless.Local.Admin;
using SdServerless.Local.Callbacks;
using SdServerless.Local.Page;
using SdServerless.Local.Workers;

namespace SdServerless.Local.Hosting;

/// <summary>
/// The whole pipeline in one process: the HTTP API, the dispatcher workers and the callback trigger.
/// Program runs it until shutdown; benchmarks and tests start it in-process and read its pipeline's counters.
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    private LocalHost(WebApplication app, LocalPipeline pipeline, ILoggerFactory loggers)
    {
        App = app;
        Pipeline = pipeline;
        Loggers = loggers;
    }

    public WebApplication App { get; }

    public LocalPipeline Pipeline { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>Where the API listens (the first address).</summary>
    public Uri BaseUrl => new(App.Urls.First().TrimEnd('/') + "/");

    public static async Task<int> RunAsync(LocalHostOptions options)
    {
        await using var host = await StartAsync(options);
        await host.App.WaitForShutdownAsync();
        return 0;
    }

    /// <param name="configureLogging">Null: one console line per event.</param>
    public static async Task<LocalHost> StartAsync(LocalHostOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        configureLogging ??= ConfigureLogging;
        var builder = WebApplication.CreateSlimBuilder();
        configureLogging(builder.Logging);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);

        var loggers = LoggerFactory.Create(configureLogging);
        var publicUrl = new Uri(options.Urls.Split(';')[0].Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        var pipeline = await LocalPipeline.OpenAsync(options, publicUrl, loggers);
        var settings = pipeline.Options;

        var positions = new LocalQueuePositions([.. pipeline.RuntimeQueues.Select(q => q.Queue)], pipeline.Store);
        var api = ApiHandlerFactory.Create(pipeline.Store, pipeline.Queues, settings, loggers, queuePositions: positions.PositionAsync);
        var bridge = new ApiGatewayBridge(api, settings.MaxBodyBytes);
        var callbacks = CallbackServices.Create(
            pipeline.Store, new LocalObjectUrlSigner(publicUrl, settings.ApiKey is { } linkKey ? new ObjectLinkSignature(linkKey) : null), pipeline.CallbackDeadLetters, settings, loggers,
            new CallbackOptions { MaxAttempts = options.WebhookAttempts });

        builder.Services.AddHostedService(_ => new LocalCallbackTrigger(pipeline.Store, pipeline.Store, callbacks.Handler, settings.DefaultWebhookUrl, loggers.CreateLogger<LocalCallbackTrigger>()));
        // Without dispatch the page still shows the configured servers, none of them leased.
        var registry = new InProcessPoolRegistry(FixedPoolServers.From(settings.Runtimes, url => Math.Max(1, pipeline.EndpointCapacities.GetValueOrDefault(url, 1))), new PoolRules());
        if (!options.NoDispatch)
        {
            var generation = TimeSpan.FromSeconds(options.TaskTimeoutSeconds);
            var dispatcherSettings = new DispatcherSettings
            {
                EndpointCapacities = pipeline.EndpointCapacities,

                // One request waits in each GPU's queue at the server: the GPU starts it the moment it finishes the last.
                RequestsAheadPerSlot = 1,
                GenerationTimeout = generation,

                // The servers are fixed: a busy one frees within a generation's deadline, so a prefetched task waits that long.
                FreeSlotWait = generation,
            };
            options.ConfigureDispatcher?.Invoke(dispatcherSettings);
            registry = new InProcessPoolRegistry(FixedPoolServers.From(settings.Runtimes, dispatcherSettings.CapacityOf), dispatcherSettings.PoolRules);
            var dispatcher = DispatcherFactory.Create(
                pipeline.Store, pipeline.Queues, settings, dispatcherSettings, loggers, new LoggingTaskMetrics(loggers.CreateLogger<LoggingTaskMetrics>()),
                registry: registry);
            foreach (var runtimeQueue in pipeline.RuntimeQueues)
            {
                // Each runtime's own loops: a backlog of one runtime never occupies another's. (AddHostedService would
                // keep only the first of several services of one type.)
                var workerOptions = DispatcherWorkerOptions.For(runtimeQueue.Runtime, runtimeQueue.Arn, dispatcherSettings);
                builder.Services.AddSingleton<IHostedService>(
                    new DispatcherWorker(runtimeQueue.Queue, dispatcher, workerOptions, TimeProvider.System, loggers.CreateLogger<DispatcherWorker>()));
            }
        }

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(callbacks.Dispose);
        app.MapObjectDownloads(pipeline.Store, settings.ApiKey);
        app.MapCallbackReplay(callbacks.Replayer).RequireApiKey(settings.ApiKey);
        app.MapAdmin(registry, pipeline.RuntimeQueues, pipeline.CallbackDeadLetters, settings);
        app.MapPage();

        // Every other path goes to the API, including ones that look like files ("/v1alpha2/tasks/dot.ted"): the
        // default fallback pattern would leave those to a static-file handler this host does not have (a 404).
        app.MapFallback("{**path}", bridge.HandleAsync);

        await app.StartAsync();
        var log = loggers.CreateLogger("SdServerless.Local");
        log.LogInformation("SdServerless local host listening on {Url}", string.Join(", ", app.Urls));
        log.LogInformation("Outputs land in {Directory} (s3://{Bucket}/...)", Path.Combine(pipeline.Store.Root, "s3", settings.Bucket), settings.Bucket);
        if (pipeline.SecretFile is { } secretFile)
        {
            // The receiver needs the secret to verify signatures; the log names the file (mode 0600), never the secret.
            log.LogInformation("Webhook signing secret (generated once, kept across restarts) is in {SecretFile}", secretFile);
        }

        return new LocalHost(app, pipeline, loggers);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Pipeline.DisposeAsync();
        Loggers.Dispose();
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
            console.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
    }
}
