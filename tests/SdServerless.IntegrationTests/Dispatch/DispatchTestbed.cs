using System.Buffers.Binary;
using SdServerless.Core.Net;
using SdServerless.Core.Runtimes;
using SdServerless.Functions.Composition;
using SdServerless.Local.Queueing;
using SdServerless.Local.Storage;
using SdServerless.Local.Workers;

namespace SdServerless.IntegrationTests.Dispatch;

/// <summary>
/// The dispatcher as the local host runs it — directory store, file queue, <see cref="DispatcherWorker"/> — against
/// the SD Web UI emulator over HTTP and a loopback server for URL inputs.
/// </summary>
public sealed class DispatchTestbed : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dispatch-").FullName;
    private readonly DispatcherWorker _worker;

    private DispatchTestbed(EmulatorHost emulator, LoopbackHttpServer images, SdServerlessOptions options, IInputDownloader? downloader)
    {
        Emulator = emulator;
        Images = images;
        Options = options;
        Store = new DirectoryObjectStore(Path.Combine(_directory, "s3"), "outputbucket");
        Queue = FileTaskQueue.Open(Path.Combine(_directory, "queue"), new FileTaskQueueOptions { MaxReceiveCount = 5, FlushToDisk = false });
        Handler = BuildHandler(Store, Queue, options, downloader);
        _worker = Worker(Queue, Handler);
    }

    public EmulatorHost Emulator { get; }

    public LoopbackHttpServer Images { get; }

    public SdServerlessOptions Options { get; }

    public DirectoryObjectStore Store { get; }

    public FileTaskQueue Queue { get; }

    public DispatcherHandler Handler { get; }

    public string Endpoint => Emulator.BaseUrl.ToString().TrimEnd('/');

    /// <param name="allowPrivateNetwork">False: the loopback image server counts as a private address and is refused.</param>
    /// <param name="isPublic">Replaces the address rule of the input downloads (e.g. to let 127.0.0.1 stand for the internet).</param>
    public static async Task<DispatchTestbed> StartAsync(
        EmulatorOptions? emulator = null, bool allowPrivateNetwork = true, int maxAttempts = 5, long maxInputBytes = 20 * 1024 * 1024, Func<IPAddress, bool>? isPublic = null)
    {
        var host = await EmulatorHost.StartAsync(emulator ?? new EmulatorOptions { ModelSwitchDelay = TimeSpan.Zero });
        var images = await LoopbackHttpServer.StartAsync();
        var options = new SdServerlessOptions
        {
            AllowHttp = true,
            AllowPrivateNetwork = allowPrivateNetwork,
            MaxAttempts = maxAttempts,
            MaxInputBytes = maxInputBytes,
            Runtimes = [new RuntimeConfig { Name = "sdruntime", Endpoints = [host.BaseUrl.ToString().TrimEnd('/')], Models = [EmulatorOptions.DefaultModel] }],
        };
        var downloader = isPublic is null
            ? null
            : new HttpInputDownloader(options, new DispatcherOptions(), GuardedHttpHandler.Create(isPublic));
        return new DispatchTestbed(host, images, options, downloader);
    }

    public static SdTask Task(string id, TaskType type, string content, string? model = null, string? imageLink = null) =>
        TestTasks.Create(id, type, content, model, imageLink, JsonValue.Create("ctx"));

    public static string MessageBody(SdTask task) => TestTasks.MessageBody(task);

    public Task SubmitAsync(SdTask task) => Queue.SendAsync(MessageBody(task), TimeSpan.Zero, CancellationToken.None);

    /// <summary>
    /// The dispatcher's handler over <paramref name="store"/> and <paramref name="queue"/>, built through
    /// <see cref="SdServerlessServiceCollectionExtensions.AddSdServerlessDispatcher"/> as the hosts build it, logging
    /// nowhere and retrying without backoff so that a retry comes back on the next receive.
    /// </summary>
    /// <param name="downloader">Null: the dispatcher's own URL input downloads.</param>
    public static DispatcherHandler BuildHandler(IObjectStore store, ITaskQueue queue, SdServerlessOptions options, IInputDownloader? downloader = null)
    {
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(store)
            .AddSingleton(TaskQueues.Single(queue))
            .AddSingleton(options)
            .AddSingleton(new DispatcherOptions { BackoffBase = TimeSpan.Zero });
        if (downloader is not null)
        {
            services.AddSingleton(downloader);
        }

        return services.AddSdServerlessDispatcher().BuildServiceProvider().GetRequiredService<DispatcherHandler>();
    }

    /// <summary>Runs batches from <paramref name="queue"/> through <paramref name="handler"/> as Lambda's event source mapping would (see <see cref="DrainAsync(ITaskQueue, DispatcherWorker, TimeSpan, TimeSpan, int)"/>).</summary>
    public static DispatcherWorker Worker(ITaskQueue queue, DispatcherHandler handler) =>
        new(queue, handler, new DispatcherWorkerOptions(), TimeProvider.System, NullLogger<DispatcherWorker>.Instance);

    /// <summary>Receives and dispatches until the queue holds nothing visible (retries included); returns every batch answer.</summary>
    public Task<List<SqsBatchResponse>> DrainAsync(int maxRounds = 20) =>
        DrainAsync(Queue, _worker, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(200), maxRounds);

    /// <summary>
    /// What Lambda's event source mapping does: receives batches of up to ten from <paramref name="queue"/> and has
    /// <paramref name="worker"/> dispatch each (invoke, then delete what the answer did not report as failed), until
    /// a receive that waited <paramref name="wait"/> finds nothing visible (retries included); returns every batch answer.
    /// </summary>
    /// <param name="visibility">How long a received message stays leased.</param>
    public static async Task<List<SqsBatchResponse>> DrainAsync(ITaskQueue queue, DispatcherWorker worker, TimeSpan visibility, TimeSpan wait, int maxRounds = 20)
    {
        var responses = new List<SqsBatchResponse>();
        for (var round = 0; round < maxRounds; round++)
        {
            var messages = await queue.ReceiveAsync(10, visibility, wait, CancellationToken.None);
            if (messages.Count == 0)
            {
                return responses;
            }

            responses.Add(await worker.DispatchAsync(messages, CancellationToken.None));
        }

        throw new InvalidOperationException($"the queue did not drain in {maxRounds} rounds");
    }

    public Task<JsonObject> ResultAsync(string id) => ResultAsync(Store, id);

    /// <summary>The task's result.json in <paramref name="store"/> (under the prefix "output").</summary>
    public static async Task<JsonObject> ResultAsync(IObjectStore store, string id) =>
        JsonNode.Parse((await store.GetAsync(TaskKeys.Result("output", id), CancellationToken.None))!.Content.Span)!.AsObject();

    /// <summary>A real PNG from the emulator's own txt2img, to serve as an input image.</summary>
    public async Task<byte[]> RenderPngAsync(int width, int height)
    {
        using var http = new HttpClient();
        var answer = await http.PostAsync(new Uri(Emulator.BaseUrl, "sdapi/v1/txt2img"), new StringContent($$"""{"width":{{width}},"height":{{height}},"steps":1}""", Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        return Convert.FromBase64String((string)json["images"]![0]!);
    }

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(ReadOnlySpan<byte> png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png[16..20]), BinaryPrimitives.ReadInt32BigEndian(png[20..24]));

    public async ValueTask DisposeAsync()
    {
        await Queue.DisposeAsync();
        await Images.DisposeAsync();
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
