using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using SdServerless.Core.Pool;
using SdServerless.Core.Runtimes;
using SdServerless.Core.Storage;
using SdServerless.Emulator;
using SdServerless.Functions.Api;
using SdServerless.Functions.Callback;
using SdServerless.Functions.Composition;
using SdServerless.Functions.Dispatch;
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
    private LocalHost(WebApplication app, LocalPipeline pipeline)
    {
        App = app;
        Pipeline = pipeline;
    }

    /// <summary>The running web application: its services, addresses and lifetime.</summary>
    public WebApplication App { get; }

    /// <summary>The store, queues and emulator the host runs on, for callers that inspect them.</summary>
    public LocalPipeline Pipeline { get; }

    /// <summary>The host's logger factory: the one every part of the pipeline logs through.</summary>
    public ILoggerFactory Loggers => App.Services.GetRequiredService<ILoggerFactory>();

    /// <summary>Where the API listens (the first address).</summary>
    public Uri BaseUrl => new(App.Urls.First().TrimEnd('/') + "/");

    /// <summary>Starts the host and serves until it is shut down (Ctrl+C, SIGTERM); the process's exit code.</summary>
    public static async Task<int> RunAsync(LocalHostOptions options)
    {
        await using var host = await StartAsync(options);
        await host.App.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Opens the pipeline, maps every route and starts listening; the caller disposes the host.</summary>
    /// <param name="options">The command line's options.</param>
    /// <param name="configure">
    /// Runs on the host's builder after its own registrations, before it is built: where an in-process test or
    /// benchmark changes the logging or replaces a service (Configure&lt;EmulatorOptions&gt;,
    /// Configure&lt;DispatcherOptions&gt;, another registration of a port). Null: the host as its command line sets it up.
    /// </param>
    public static async Task<LocalHost> StartAsync(LocalHostOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        ConfigureLogging(builder.Logging);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);

        var publicUrl = new Uri(options.Urls.Split(';')[0].Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        var catalog = await LocalPipeline.ReadCatalogAsync(options);
        var opened = new OpenedPipeline();
        AddLocalServices(builder.Services, options, catalog, publicUrl, opened);
        configure?.Invoke(builder);

        var app = builder.Build();
        try
        {
            // The pipeline opens once the services are built: its emulator takes its options from them.
            opened.Pipeline = await LocalPipeline.OpenAsync(
                options, catalog, app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value, publicUrl, app.Services.GetRequiredService<ILoggerFactory>());
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var host = new LocalHost(app, opened.Pipeline);
        try
        {
            await host.MapAndStartAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Stops the web application and its workers, then closes the pipeline.</summary>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Pipeline.DisposeAsync();
    }

    /// <summary>
    /// What this host brings to the shared composition: the pipeline's directory store and file queues, queue
    /// positions, link signing for its own download route, the in-process pool registry, and the workers that feed
    /// the dispatcher from each runtime's queue. Everything that reads the pipeline resolves once it is open.
    /// </summary>
    private static void AddLocalServices(IServiceCollection services, LocalHostOptions options, RuntimeCatalog catalog, Uri publicUrl, OpenedPipeline opened)
    {
        services.AddSingleton(opened);
        services.AddOptions<EmulatorOptions>().Configure(emulator => LocalPipeline.BindEmulatorOptions(emulator, options, catalog));
        services.AddSingleton<IObjectStore>(_ => opened.Open.Store);
        services.AddSingleton(_ => opened.Open.Queues);
        services.AddSingleton(_ => opened.Open.Options);
        services.AddSingleton<IQueuePositions>(_ => new LocalQueuePositions([.. opened.Open.RuntimeQueues.Select(q => q.Queue)], opened.Open.Store));
        services.AddSingleton<IObjectUrlSigner>(_ => new LocalObjectUrlSigner(
            publicUrl, opened.Open.Options.ApiKey is { } linkKey ? new ObjectLinkSignature(linkKey) : null));
        services.AddSingleton(_ => new CallbackQueues(opened.Open.CallbackDeadLetters));
        services.AddSingleton(new CallbackOptions { MaxAttempts = options.WebhookAttempts });
        services.AddSdServerlessApi();
        services.AddSdServerlessCallback();
        services.AddHostedService(sp => new LocalCallbackTrigger(
            opened.Open.Store, opened.Open.Store, sp.GetRequiredService<CallbackHandler>(), opened.Open.Options.DefaultWebhookUrl,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<LocalCallbackTrigger>()));
        services.AddSingleton<IPoolRegistry>(sp => sp.GetRequiredService<InProcessPoolRegistry>());
        if (options.NoDispatch)
        {
            // Without dispatch the page still shows the configured servers, none of them leased.
            services.AddSingleton(_ => new InProcessPoolRegistry(
                FixedPoolServers.From(opened.Open.Options.Runtimes, url => Math.Max(1, opened.Open.EndpointCapacities.GetValueOrDefault(url, 1))), new PoolRules()));
            return;
        }

        var generation = TimeSpan.FromSeconds(options.TaskTimeoutSeconds);
        services.AddOptions<DispatcherOptions>().Configure(dispatcher =>
        {
            dispatcher.EndpointCapacities = opened.Open.EndpointCapacities;

            // One request waits in each GPU's queue at the server: the GPU starts it the moment it finishes the last.
            dispatcher.RequestsAheadPerSlot = 1;
            dispatcher.GenerationTimeout = generation;

            // The servers are fixed: a busy one frees within a generation's deadline, so a prefetched task waits that long.
            dispatcher.FreeSlotWait = generation;
        });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DispatcherOptions>>().Value);
        services.AddSingleton(sp =>
        {
            var dispatcher = sp.GetRequiredService<DispatcherOptions>();
            return new InProcessPoolRegistry(FixedPoolServers.From(opened.Open.Options.Runtimes, dispatcher.CapacityOf), dispatcher.PoolRules);
        });
        services.AddSdServerlessDispatcher();
        for (var i = 0; i < catalog.Runtimes.Count; i++)
        {
            // Each runtime's own loops: a backlog of one runtime never occupies another's. (AddHostedService would
            // keep only the first of several services of one type.)
            var index = i;
            services.AddSingleton<IHostedService>(sp =>
            {
                var runtimeQueue = opened.Open.RuntimeQueues[index];
                return new DispatcherWorker(
                    runtimeQueue.Queue,
                    sp.GetRequiredService<DispatcherHandler>(),
                    DispatcherWorkerOptions.For(runtimeQueue.Runtime, runtimeQueue.Arn, sp.GetRequiredService<DispatcherOptions>()),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILoggerFactory>().CreateLogger<DispatcherWorker>());
            });
        }
    }

    private async Task MapAndStartAsync()
    {
        var settings = Pipeline.Options;
        App.MapObjectDownloads(Pipeline.Store, settings.ApiKey);
        App.MapCallbackReplay(App.Services.GetRequiredService<CallbackReplayer>()).RequireApiKey(settings.ApiKey);
        App.MapAdmin(App.Services.GetRequiredService<InProcessPoolRegistry>(), Pipeline.RuntimeQueues, Pipeline.CallbackDeadLetters, settings);
        App.MapPage();

        // Every other path goes to the API, including ones that look like files ("/v1alpha2/tasks/dot.ted"): the
        // default fallback pattern would leave those to a static-file handler this host does not have (a 404).
        var bridge = new ApiGatewayBridge(App.Services.GetRequiredService<ApiHandler>(), settings.MaxBodyBytes);
        App.MapFallback("{**path}", bridge.HandleAsync);

        await App.StartAsync();
        var log = Loggers.CreateLogger("SdServerless.Local");
        log.LogInformation("SdServerless local host listening on {Url}", string.Join(", ", App.Urls));
        log.LogInformation("Outputs land in {Directory} (s3://{Bucket}/...)", Path.Combine(Pipeline.Store.Root, "s3", settings.Bucket), settings.Bucket);
        if (Pipeline.SecretFile is { } secretFile)
        {
            // The receiver needs the secret to verify signatures; the log names the file (mode 0600), never the secret.
            log.LogInformation("Webhook signing secret (generated once, kept across restarts) is in {SecretFile}", secretFile);
        }
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

    /// <summary>The pipeline once open; the services that read it are resolved only after that.</summary>
    private sealed class OpenedPipeline
    {
        public LocalPipeline? Pipeline { get; set; }

        public LocalPipeline Open => Pipeline ?? throw new InvalidOperationException("The local pipeline opens once the host is built.");
    }
}
