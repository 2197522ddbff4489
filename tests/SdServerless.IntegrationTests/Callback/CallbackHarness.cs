using SdServerless.Functions.Composition;

namespace SdServerless.IntegrationTests.Callback;

/// <summary>
/// The callback handler wired to in-memory ports, a loopback receiver and a clock whose waits take no time.
/// AllowPrivateNetwork is on (the receiver is on 127.0.0.1) unless a test turns it off.
/// </summary>
public sealed class CallbackHarness(string bucket = "outputbucket") : IDisposable
{
    public InMemoryObjectStore Store { get; } = new(bucket);

    public InMemoryTaskQueue DeadLetters { get; } = new();

    /// <summary>Where Lambda leaves the S3 events the callback function failed on (AWS).</summary>
    public InMemoryTaskQueue EventDeadLetters { get; } = new();

    public ManualTimeProvider Clock { get; } = new();

    public WebhookSecret Secret { get; } = WebhookSecret.Generate();

    public SdServerlessOptions Options { get; } = new() { Bucket = bucket, AllowHttp = true, AllowPrivateNetwork = true };

    public CallbackOptions CallbackOptions { get; } = new() { AttemptTimeout = TimeSpan.FromSeconds(5), MaxAttempts = 4 };

    /// <summary>The image links of the payload: stable local URLs unless a test signs its own.</summary>
    public IObjectUrlSigner UrlSigner { get; set; } = new LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080"));

    private readonly List<ServiceProvider> _services = [];

    /// <summary>Built through <see cref="SdServerlessServiceCollectionExtensions.AddSdServerlessCallback"/>, as the hosts build it.</summary>
    public CallbackHandler CreateHandler() => CreateServices().GetRequiredService<CallbackHandler>();

    public CallbackReplayer CreateReplayer() => CreateServices().GetRequiredService<CallbackReplayer>();

    public WebhookVerifier CreateVerifier() => new(Secret, clock: Clock);

    public static TaskResult Result(string id, TaskStatus status, string? callbackUrl, string prefix = "output") => new()
    {
        IdTask = id,
        Runtime = "sdruntime",
        Tasktype = TaskType.ImageToImage,
        Status = status,
        Images = status == TaskStatus.Succeeded
            ? [
                new TaskResultImage($"{prefix}/{id}/{id}-1.png", $"s3://outputbucket/{prefix}/{id}/{id}-1.png", "image/png", 1234),
                new TaskResultImage($"{prefix}/{id}/{id}-2.png", $"s3://outputbucket/{prefix}/{id}/{id}-2.png", "image/png", 2345),
            ]
            : [],
        Error = status == TaskStatus.Failed ? new TaskError("unknown_model", "the model x.safetensors is not served") : null,
        CallbackUrl = callbackUrl,
        CreatedAt = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero),
        StartedAt = new DateTimeOffset(2026, 11, 24, 10, 0, 1, TimeSpan.Zero),
        CompletedAt = new DateTimeOffset(2026, 11, 24, 10, 0, 9, TimeSpan.Zero),
        Attempts = 1,
    };

    /// <summary>
    /// A result.json as the dispatcher writes it for a text-to-image task that has just ended: with one PNG at
    /// <paramref name="imageKey"/> (none when null) and the failure <paramref name="error"/>, if any.
    /// </summary>
    public static TaskResult Finished(
        string id, TaskStatus status, string callbackUrl, string bucket = "outputbucket", string? imageKey = null, JsonNode? context = null, TaskError? error = null) => new()
    {
        IdTask = id,
        Runtime = "sdruntime",
        Tasktype = TaskType.TextToImage,
        Status = status,
        Images = imageKey is null ? [] : [new TaskResultImage(imageKey, TaskKeys.S3Uri(bucket, imageKey), "image/png", 14)],
        Error = error,
        Context = context,
        CallbackUrl = callbackUrl,
        CreatedAt = DateTimeOffset.UtcNow,
        CompletedAt = DateTimeOffset.UtcNow,
        Attempts = 1,
    };

    /// <summary>Stores <paramref name="result"/> at <paramref name="key"/> in <paramref name="store"/>, serialized as the dispatcher writes it.</summary>
    public static async Task WriteResultAsync(IObjectStore store, string key, TaskResult result)
    {
        using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(result, CoreJsonContext.Default.TaskResult));
        await store.PutAsync(key, json, "application/json", CancellationToken.None);
    }

    /// <summary>Stores a stand-in PNG whose bytes are <paramref name="content"/> in UTF-8, so a test can tell what a link served.</summary>
    public static async Task WriteImageAsync(IObjectStore store, string key, string content)
    {
        using var image = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await store.PutAsync(key, image, "image/png", CancellationToken.None);
    }

    /// <summary>
    /// The callback function's services over the given ports, built through
    /// <see cref="SdServerlessServiceCollectionExtensions.AddSdServerlessCallback"/> as the hosts build them, logging
    /// nowhere; <paramref name="clock"/> null: the system clock.
    /// </summary>
    public static ServiceProvider BuildServices(
        IObjectStore store, IObjectUrlSigner urlSigner, CallbackQueues queues, SdServerlessOptions options, CallbackOptions callbackOptions, TimeProvider? clock = null)
    {
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(store)
            .AddSingleton(urlSigner)
            .AddSingleton(queues)
            .AddSingleton(options)
            .AddSingleton(callbackOptions);
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        return services.AddSdServerlessCallback().BuildServiceProvider();
    }

    /// <summary>Stores result.json and returns the S3 event S3 would send for it.</summary>
    public async Task<S3Event> PutResultAsync(TaskResult result, string? key = null)
    {
        var json = JsonSerializer.Serialize(result, CoreJsonContext.Default.TaskResult);
        return await PutRawAsync(key ?? TaskKeys.Result("output", result.IdTask), json);
    }

    public async Task<S3Event> PutRawAsync(string key, string json)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await Store.PutAsync(key, content, "application/json", CancellationToken.None);
        return LocalS3Events.FromObjectCreated(new ObjectCreated(Store.BucketName, key, content.Length, "etag", Clock.GetUtcNow()));
    }

    public IReadOnlyList<CallbackDeadLetter> DeadLetterEntries() =>
        DeadLetters.Bodies.Select(body => JsonSerializer.Deserialize(body, Functions.Json.FunctionsJsonContext.Default.CallbackDeadLetter)!).ToList();

    public void Dispose()
    {
        foreach (var services in _services)
        {
            services.Dispose();
        }
    }

    private ServiceProvider CreateServices()
    {
        Options.WebhookSecret = Secret.Reveal();
        var services = BuildServices(Store, UrlSigner, new CallbackQueues(DeadLetters, EventDeadLetters), Options, CallbackOptions, Clock);
        _services.Add(services);
        return services;
    }
}
