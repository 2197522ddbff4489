using SdServerless.Core.Configuration;
using SdServerless.Core.Queueing;
using SdServerless.Core.Runtimes;
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

    public SdServerlessOptions Options { get; }

    public RuntimeCatalog Catalog { get; }

    public DirectoryObjectStore Store { get; }

    /// <summary>Each runtime's own queue, in configuration order: a backlog of one never occupies another's workers.</summary>
    public IReadOnlyList<RuntimeQueue> RuntimeQueues { get; }

    /// <summary>The same queues as the API and the dispatcher find them: by runtime, and by the name in a record's ARN.</summary>
    public TaskQueues Queues { get; }

    public FileTaskQueue CallbackDeadLetters { get; }

    public WebhookSecret Secret { get; }

    /// <summary>Where the generated secret is kept (DATA/webhook-secret); null when --webhook-secret gave it.</summary>
    public string? SecretFile { get; }

    /// <summary>Null when real SD Web UI servers form the pool.</summary>
    public EmulatorHost? Emulator { get; }

    /// <summary>Requests each endpoint serves at once: one per SD Web UI process, one per emulated GPU.</summary>
    public IReadOnlyDictionary<string, int> EndpointCapacities { get; }

    public static async Task<LocalPipeline> OpenAsync(LocalHostOptions host, Uri publicBaseUrl, ILoggerFactory loggers)
    {
        var data = Path.GetFullPath(host.DataDirectory);
        Directory.CreateDirectory(data);
        var secretFile = host.WebhookSecret is null ? Path.Combine(data, WebhookSecretFile.FileName) : null;
        var secret = secretFile is null ? WebhookSecret.Parse(host.WebhookSecret) : WebhookSecretFile.LoadOrCreate(secretFile);

        var catalog = host.RuntimesFile is { } file ? RuntimeCatalog.Parse(await File.ReadAllTextAsync(file)) : RuntimeCatalog.Default(host.SdWebUiEndpoints);
        EmulatorHost? emulator = null;
        var capacities = new Dictionary<string, int>(StringComparer.Ordinal);
        if (catalog.Runtimes.Any(r => r.Endpoints.Count == 0))
        {
            var emulatorOptions = new EmulatorOptions
            {
                Workers = host.EmulatorWorkers,
                DelayPerImage = TimeSpan.FromMilliseconds(host.EmulatorDelayMs),
                ModelSwitchDelay = TimeSpan.FromMilliseconds(host.EmulatorModelSwitchMs),
                Models = [.. catalog.Models()],
            };
            host.ConfigureEmulator?.Invoke(emulatorOptions);
            emulator = await EmulatorHost.StartAsync(emulatorOptions);
            var endpoint = emulator.BaseUrl.ToString().TrimEnd('/');
            capacities[endpoint] = host.EmulatorWorkers;
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
            .Select((runtime, i) => RuntimeQueue.Open(queues, runtime, first: i == 0, new FileTaskQueueOptions { MaxReceiveCount = host.MaxAttempts }))
            .ToList();

        // Replays receive the same entries again and again until their receiver is back: they must never age out
        // into a dead-letter queue of their own, which no replay reads.
        var callbackDeadLetters = FileTaskQueue.Open(Path.Combine(queues, "callback-dlq"), new FileTaskQueueOptions { MaxReceiveCount = 0 });
        var store = new DirectoryObjectStore(data, host.Bucket, IsExpendable);
        return new LocalPipeline(options, catalog, store, runtimeQueues, callbackDeadLetters, secret, secretFile, emulator, capacities);
    }

    /// <summary>
    /// Objects the local store need not flush to disk (see <see cref="DirectoryObjectStore"/>): a state.json lost to a
    /// power failure is rewritten by the task's next attempt (its message is still queued until result.json exists),
    /// and a lost callback marker means the callback is delivered again, with the same webhook-id.
    /// </summary>
    public static bool IsExpendable(string key) =>
        TaskKeys.IsState(key) || key.StartsWith(LocalCallbackTrigger.MarkerPrefix, StringComparison.Ordinal);

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
