using LocalHostOptions = SdServerless.Local.Hosting.LocalHostOptions;

namespace SdServerless.IntegrationTests.Tasks;

/// <summary>
/// The local host started in this process on a free loopback port, so that a test can read its emulator's job log
/// (which request ran, whether it was interrupted) while it talks to the host over real HTTP like any client.
/// </summary>
internal sealed class InProcessHost : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _log = new();

    private InProcessHost(string data) => DataDirectory = data;

    public Local.Hosting.LocalHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string DataDirectory { get; }

    public SdWebUiEmulator Emulator => Host.Pipeline.Emulator?.Emulator ?? throw new InvalidOperationException("no emulator");

    /// <summary>The host's log lines so far, for failure messages.</summary>
    public string Log => string.Join('\n', _log);

    public static async Task<InProcessHost> StartAsync(Action<LocalHostOptions>? configure = null)
    {
        var data = Directory.CreateTempSubdirectory("sdserverless-inproc-").FullName;
        var host = new InProcessHost(data);
        var options = new LocalHostOptions
        {
            Urls = $"http://127.0.0.1:{LoopbackPort.Next()}",
            DataDirectory = data,
        };
        configure?.Invoke(options);
        host.Host = await Local.Hosting.LocalHost.StartAsync(options, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new ListLoggerProvider(host._log));
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.Services.Configure<EmulatorOptions>(emulator => emulator.RecordJobs = true);
        });
        host.Client = new HttpClient { BaseAddress = host.Host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        return host;
    }

    /// <summary>Submits a small text-to-image task whose seed names it in the emulator's job log.</summary>
    public async Task SubmitAsync(string id, long seed, int steps = 20, int batchSize = 1)
    {
        var body = """{"task":{"metadata":{"id":"ID","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"p","seed":SEED,"steps":STEPS,"batch_size":BATCH,"width":256,"height":256}}}"""
            .Replace("BATCH", batchSize.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("ID", id, StringComparison.Ordinal).Replace("SEED", seed.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("STEPS", steps.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var response = await Client.PostAsync("/v1alpha2", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonObject> StatusAsync(string id) => JsonNode.Parse(await Client.GetStringAsync($"/v1alpha2/tasks/{id}"))!.AsObject();

    public async Task<(HttpStatusCode Code, string Body)> CancelAsync(string id, bool useDelete = false)
    {
        using var response = useDelete
            ? await Client.DeleteAsync($"/v1alpha2/tasks/{id}")
            : await Client.PostAsync($"/v1alpha2/tasks/{id}/cancel", null);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls the status until <paramref name="done"/> holds; fails with every status seen and the log.</summary>
    public async Task<JsonObject> WaitForAsync(string id, Func<JsonObject, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        var seen = new List<string>();
        while (true)
        {
            var status = await StatusAsync(id);
            seen.Add(status.ToJsonString());
            if (done(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{id} never {what}; statuses: {string.Join("\n", seen.TakeLast(5))}\n{Log}");
            await Task.Delay(100);
        }
    }

    public static string StatusOf(JsonObject status) => status["status"]!.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)}");
    }
}
