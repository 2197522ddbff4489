using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Telemetry;
using SdServerless.Functions.Composition;

namespace SdServerless.UnitTests.Dispatch;

/// <summary>The real dispatcher over in-memory storage and queue, a fake SD Web UI and fake URL inputs.</summary>
public sealed class DispatcherHarness
{
    public const string Endpoint = "http://sd-a:7861";

    /// <param name="registry">Null: the runtime's one fixed endpoint, in memory.</param>
    /// <param name="runtime">Changes to the runtime's configuration (its credentials, say) before the dispatcher is built.</param>
    public DispatcherHarness(int maxAttempts = 5, IPoolRegistry? registry = null, Action<RuntimeConfig>? runtime = null)
    {
        var config = new RuntimeConfig { Name = "sdruntime", Endpoints = [Endpoint], Models = [FakeSdWebUi.Model] };
        runtime?.Invoke(config);
        Options = new SdServerlessOptions { MaxAttempts = maxAttempts, Runtimes = [config] };
        Queue = new InMemoryTaskQueue(Clock);
        var credentials = new SdWebUiCredentials(Options.Runtimes, (id, _) => Secrets.TryGetValue(id, out var value) ? System.Threading.Tasks.Task.FromResult(value) : throw new Core.DependencyUnavailableException($"no secret {id}"), Clock);
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton<IObjectStore>(Store)
            .AddSingleton(TaskQueues.Single(Queue))
            .AddSingleton(Options)
            .AddSingleton(Settings)
            .AddSingleton<ITaskMetrics>(Metrics)
            .AddSingleton<IInputDownloader>(Inputs)
            .AddSingleton(credentials)
            .AddSingleton(new SdWebUiClient(SdWebUi, credentials.For));
        if (registry is not null)
        {
            services.AddSingleton(registry);
        }

        Handler = services.AddSdServerlessDispatcher().BuildServiceProvider().GetRequiredService<DispatcherHandler>();
    }

    /// <summary>The secret store the runtime's api_auth_secret is read from: secret id to value.</summary>
    public Dictionary<string, string?> Secrets { get; } = new(StringComparer.Ordinal);

    public InMemoryObjectStore Store { get; } = new();

    /// <summary>Where <see cref="Clock"/> starts: a fixed instant, so times in results and records are the same each run.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Lease, backoff and catalog expiry move only when a test advances it; its timers too (the task watch's rounds,
    /// a long poll's wait) fire only then.
    /// </summary>
    public FakeTimeProvider Clock { get; } = new(Start);

    public RecordingMetrics Metrics { get; } = new();

    public InMemoryTaskQueue Queue { get; }

    public FakeSdWebUi SdWebUi { get; } = new();

    public FakeInputDownloader Inputs { get; } = new();

    public SdServerlessOptions Options { get; }

    public DispatcherOptions Settings { get; } = new() { BackoffBase = TimeSpan.FromSeconds(10) };

    public DispatcherHandler Handler { get; }

    /// <summary>A task with a context and a callback URL, so that a test can see both carried into result.json.</summary>
    public static SdTask Task(string id, TaskType type, string content, string? model = null, string? imageLink = null) =>
        TestTasks.Create(id, type, content, model, imageLink, JsonNode.Parse("""{"order":[1,"two"]}"""), "https://hooks.example.com/done");

    /// <summary>Sends the task to the queue and receives it, as the event source mapping would.</summary>
    public async Task<SqsEvent.SqsMessage> EnqueueAndReceiveAsync(SdTask task) => await SendAndReceiveAsync(MessageBody(task));

    public static string MessageBody(SdTask task) => TestTasks.MessageBody(task);

    public async Task<SqsEvent.SqsMessage> SendAndReceiveAsync(string body)
    {
        await Queue.SendAsync(body, TimeSpan.Zero, CancellationToken.None);
        return (await ReceiveAsync()).Single();
    }

    public async Task<List<SqsEvent.SqsMessage>> ReceiveAsync()
    {
        var messages = await Queue.ReceiveAsync(10, TimeSpan.FromMinutes(5), TimeSpan.Zero, CancellationToken.None);
        return messages.Select(m => new SqsEvent.SqsMessage
        {
            MessageId = m.MessageId,
            ReceiptHandle = m.ReceiptHandle,
            Body = m.Body,
            EventSource = "aws:sqs",
            Attributes =
            {
                ["ApproximateReceiveCount"] = m.ReceiveCount.ToString(CultureInfo.InvariantCulture),
                ["SentTimestamp"] = m.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            },
        }).ToList();
    }

    public Task<SqsBatchResponse> DispatchAsync(params SqsEvent.SqsMessage[] records) => DispatchAsync(null, records);

    /// <param name="deadline">The invocation's end, as Lambda gives it; null as the tests of a host without one.</param>
    public async Task<SqsBatchResponse> DispatchAsync(DateTimeOffset? deadline, params SqsEvent.SqsMessage[] records)
    {
        var response = await Handler.HandleAsync(new SqsEvent { Records = [.. records] }, deadline, CancellationToken.None);
        foreach (var record in records.Where(r => response.BatchItemFailures.All(f => f.ItemIdentifier != r.MessageId)))
        {
            await Queue.DeleteAsync(record.ReceiptHandle, CancellationToken.None);
        }

        return response;
    }

    public async Task<JsonObject?> ReadJsonAsync(string key) =>
        await Store.GetAsync(key, CancellationToken.None) is { } stored ? JsonNode.Parse(stored.Content.Span)!.AsObject() : null;

    public Task<JsonObject?> ResultAsync(string id) => ReadJsonAsync(TaskKeys.Result("output", id));

    public Task<JsonObject?> StateAsync(string id) => ReadJsonAsync(TaskKeys.State(id));
}
