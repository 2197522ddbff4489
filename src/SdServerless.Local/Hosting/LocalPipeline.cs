using SdServerless.Core.Configuration;
using SdServerless.Core.Queueing;
using SdServerless.Core.Runtimes;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;
using SdServerless.Core.Webhooks;
using SdServerless.Emulator;
using SdServerless.Local.Callbacks;
using SdServerless.Local.Queueing;
using SdServerless.Local.Storage;

namespace SdServerless.Local.Hosting;

/// <summary>
/// The durable parts of one local host: the object store, one task queue per runtime, the callback dead-letter queue,
/// and the SD Web UI pool (the emulator unless real servers are named). Opening it on the same data directory resumes
/// whatever the previous process left.
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    private LocalPipeline(
        SdServerlessOptions options,
        RuntimeCatalog catalog,
        DirectoryObjectStore store,
        IReadOnlyList<RuntimeQueue> runtimeQueues,
        FileTaskQueue callbackDeadLetters,
        WebhookSecret secret,
        string? secretFile,
        EmulatorHost? emulator,
        IReadOnlyDictionary<string, int> endpointCapacities)
    {
        Options = options;
        Catalog = catalog;
        Store = store;
        RuntimeQueues = runtimeQueues;
        Queues = new TaskQueues(runtimeQueues[0].Name, runtimeQueues[0].Queue);
        foreach (var runtimeQueue in runtimeQueues)
        {
            Queues.Add(runtimeQueue.Runtime.Name, runtimeQueue.Name, runtimeQueue.Queue);
        }

        CallbackDeadLetters = callbackDeadLetters;
        Secret = secret;
        SecretFile = secretFile;
        Emulator = emulator;
        EndpointCapacities = endpointCapacities;
    }

    /// <summary>The settings the handlers share, bound from the command line and the runtimes.</summary>
    public SdServerlessOptions Options { get; }

    /// <summary>The runtimes the host serves, endpoints resolved (the emulator's for those that named none).</summary>
    public RuntimeCatalog Catalog { get; }

    /// <summary>The object store under the data directory, standing in for the bucket.</summary>
    public DirectoryObjectStore Store { get; }

    /// <summary>Each runtime's own queue, in configuration order: a backlog of one never occupies another's workers.</summary>
    public IReadOnlyList<RuntimeQueue> RuntimeQueues { get; }

    /// <summary>The same queues as the API and the dispatcher find them: by runtime, and by the name in a record's ARN.</summary>
    public TaskQueues Queues { get; }

    /// <summary>Webhooks that could not be delivered, kept for the admin view and a replay.</summary>
    public FileTaskQueue CallbackDeadLetters { get; }

    /// <summary>The key every webhook is signed with.</summary>
    public WebhookSecret Secret { get; }

    /// <summary>Where the generated secret is kept (DATA/webhook-secret); null when --webhook-secret gave it.</summary>
    public string? SecretFile { get; }

    /// <summary>Null when real SD Web UI servers form the pool.</summary>
    public EmulatorHost? Emulator { get; }

    /// <summary>Requests each endpoint serves at once: one per SD Web UI process, one per emulated GPU.</summary>
    public IReadOnlyDictionary<string, int> EndpointCapacities { get; }

    /// <summary>Opens the pipeline with the emulator's options bound from <paramref name="host"/> alone.</summary>
    public static async Task<LocalPipeline> OpenAsync(LocalHostOptions host, Uri publicBaseUrl, ILoggerFactory loggers)
    {
        var catalog = await ReadCatalogAsync(host);
        var emulatorOptions = new EmulatorOptions();
        BindEmulatorOptions(emulatorOptions, host, catalog);
        return await OpenAsync(host, catalog, emulatorOptions, publicBaseUrl, loggers);
    }

    /// <summary>The runtimes the host serves: its runtimes file, or one runtime on the endpoints given (none: the emulator).</summary>
    public static async Task<RuntimeCatalog> ReadCatalogAsync(LocalHostOptions host) =>
        host.RuntimesFile is { } file ? RuntimeCatalog.Parse(await File.ReadAllTextAsync(file)) : RuntimeCatalog.Default(host.SdWebUiEndpoints);

    /// <summary>The built-in emulator's options from the command line and the runtimes it stands in for.</summary>
    public static void BindEmulatorOptions(EmulatorOptions emulator, LocalHostOptions host, RuntimeCatalog catalog)
    {
        emulator.Workers = host.EmulatorWorkers;
        emulator.DelayPerImage = TimeSpan.FromMilliseconds(host.EmulatorDelayMs);
        emulator.ModelSwitchDelay = TimeSpan.FromMilliseconds(host.EmulatorModelSwitchMs);
        emulator.Models = [.. catalog.Models().Select(SdWebUiModelNames.WithoutHash).Distinct(StringComparer.Ordinal)];

        // The emulator stands for the servers the runtimes describe: their scripts are installed on it.
        emulator.AlwaysOnScripts = [.. catalog.Runtimes.SelectMany(r => r.AlwaysOnScripts ?? SdWebUiFacts.AlwaysOnScripts).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>
    /// Opens the data directory's store and queues and the webhook secret, and starts the emulator when a runtime needs
    /// it; the caller disposes the pipeline.
    /// </summary>
    /// <param name="host">The command line's options.</param>
    /// <param name="catalog">From <see cref="ReadCatalogAsync"/>: runtimes without endpoints get the emulator's.</param>
    /// <param name="emulatorOptions">The emulator's, started only when a runtime has no endpoints.</param>
    /// <param name="publicBaseUrl">Where clients reach the host: the base of the status URLs the API answers with.</param>
    /// <param name="loggers">The host's logging, which warns when the emulator stands in for real servers.</param>
    public static async Task<LocalPipeline> OpenAsync(
        LocalHostOptions host, RuntimeCatalog catalog, EmulatorOptions emulatorOptions, Uri publicBaseUrl, ILoggerFactory loggers)
    {
        var data = Path.GetFullPath(host.DataDirectory);
        Directory.CreateDirectory(data);
        var secretFile = host.WebhookSecret is null ? Path.Combine(data, WebhookSecretFile.FileName) : null;
        var secret = secretFile is null ? WebhookSecret.Parse(host.WebhookSecret) : WebhookSecretFile.LoadOrCreate(secretFile);

        EmulatorHost? emulator = null;
        var capacities = new Dictionary<string, int>(StringComparer.Ordinal);
        if (catalog.Runtimes.Any(r => r.Endpoints.Count == 0))
        {
            emulator = await EmulatorHost.StartAsync(emulatorOptions);
            var endpoint = emulator.BaseUrl.ToString().TrimEnd('/');
            capacities[endpoint] = emulatorOptions.Workers;
            catalog = catalog.WithDefaultEndpoints([endpoint]);
            loggers.CreateLogger("SdServerless.Local").LogWarning(
                "SD Web UI emulator on {Endpoint} with {Workers} emulated GPU(s): it returns placeholder images, it is not Stable Diffusion",
                endpoint, host.EmulatorWorkers);
        }

        var options = new SdServerlessOptions
        {
            Bucket = host.Bucket,
            Runtimes = catalog.Runtimes,
            AllowPrivateNetwork = host.AllowPrivateNetwork,

            // Development inputs (a loopback image server) are plain http; production hosts keep https only.
            AllowHttp = host.AllowPrivateNetwork,
            QueueDepthLimit = host.QueueDepthLimit,
            MaxAttempts = host.MaxAttempts,
            QueueingDeadline = TimeSpan.FromSeconds(host.QueueingDeadlineSeconds),
            DefaultWebhookUrl = host.WebhookUrl,
            WebhookSecret = secret.Reveal(),
            ApiKey = host.ApiKey,
            PublicBaseUrl = publicBaseUrl.ToString().TrimEnd('/'),
        };

        var queues = Path.Combine(data, "queues");
        // A task waiting for capacity moves to a new message each time, so only attempts add to a message's receives.
        var runtimeQueues = catalog.Runtimes
            .Select((runtime, i) => RuntimeQueue.Open(queues, runtime, first: i == 0, TaskQueueOptions(host.MaxAttempts)))
            .ToList();

        // Replays receive the same entries again and again until their receiver is back: they must never age out
        // into a dead-letter queue of their own, which no replay reads.
        var callbackDeadLetters = FileTaskQueue.Open(Path.Combine(queues, "callback-dlq"), new FileTaskQueueOptions { MaxReceiveCount = 0 });
        var store = new DirectoryObjectStore(data, host.Bucket, IsExpendable);
        return new LocalPipeline(options, catalog, store, runtimeQueues, callbackDeadLetters, secret, secretFile, emulator, capacities);
    }

    /// <summary>
    /// The task queue's settings. Its receive limit stays above the attempt limit (as the AWS queue's maxReceiveCount
    /// of 10 does above 5 attempts): a run that crashes on the last attempt brings the message back once more, and
    /// the dispatcher then fails the task with result.json and a callback instead of the message vanishing into the
    /// dead-letter queue with the task "running" forever. The dead-letter queue is left to messages no run can read.
    /// </summary>
    public static FileTaskQueueOptions TaskQueueOptions(int maxAttempts) => new() { MaxReceiveCount = maxAttempts + 5 };

    /// <summary>
    /// Objects the local store need not flush to disk (see <see cref="DirectoryObjectStore"/>): a state.json lost to a
    /// power failure is rewritten by the task's next attempt (its message is still queued until result.json exists),
    /// and a lost callback marker means the callback is delivered again, with the same webhook-id.
    /// </summary>
    public static bool IsExpendable(string key) =>
        TaskKeys.IsState(key) || key.StartsWith(LocalCallbackTrigger.MarkerPrefix, StringComparison.Ordinal);

    /// <summary>Closes the queues (releasing their directory locks) and stops the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var runtimeQueue in RuntimeQueues)
        {
            await runtimeQueue.Queue.DisposeAsync();
        }

        await CallbackDeadLetters.DisposeAsync();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
