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
        var settings = new DispatcherOptions { BackoffBase = TimeSpan.Zero };
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton<IObjectStore>(Store)
            .AddSingleton(TaskQueues.Single(Queue))
            .AddSingleton(options)
            .AddSingleton(settings);
        if (downloader is not null)
        {
            services.AddSingleton(downloader);
        }

        Handler = services.AddSdServerlessDispatcher().BuildServiceProvider().GetRequiredService<DispatcherHandler>();
        _worker = new DispatcherWorker(Queue, Handler, new DispatcherWorkerOptions(), TimeProvider.System, NullLogger<DispatcherWorker>.Instance);
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

    public static SdTask Task(string id, TaskType type, string content, string? model = null, string? imageLink = null) => new()
    {
        ApiVersion = "v1alpha2",
        Id = id,
        Runtime = "sdruntime",
        TaskType = type,
        Prefix = "output",
        Context = JsonValue.Create("ctx"),
        Model = model,
        ImageLink = imageLink,
        Content = JsonNode.Parse(content)!.AsObject(),
    };

    public static string MessageBody(SdTask task) =>
        JsonSerializer.Serialize(new TaskMessage { IdTask = task.Id, Task = task }, CoreJsonContext.Default.TaskMessage);

    public Task SubmitAsync(SdTask task) => Queue.SendAsync(MessageBody(task), TimeSpan.Zero, CancellationToken.None);

    /// <summary>Receives and dispatches until the queue holds nothing visible (retries included); returns every batch answer.</summary>
    public async Task<List<SqsBatchResponse>> DrainAsync(int maxRounds = 20)
    {
        var responses = new List<SqsBatchResponse>();
        for (var round = 0; round < maxRounds; round++)
        {
            var messages = await Queue.ReceiveAsync(10, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(200), CancellationToken.None);
            if (messages.Count == 0)
            {
                return responses;
            }

            responses.Add(await _worker.DispatchAsync(messages, CancellationToken.None));
        }

        throw new InvalidOperationException($"the queue did not drain in {maxRounds} rounds");
    }

    public async Task<JsonObject> ResultAsync(string id) =>
        JsonNode.Parse((await Store.GetAsync(TaskKeys.Result("output", id), CancellationToken.None))!.Content.Span)!.AsObject();

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
