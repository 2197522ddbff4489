using SdServerless.Aws.Pool;
using SdServerless.Functions.Pool;

namespace SdServerless.IntegrationTests.Lambda;

/// <summary>
/// The published bootstrap's dispatcher on the pool table (DynamoDB on moto, with S3 and SQS), and emulated SD Web UI
/// servers that join the pool as a GPU server's boot script would. The moto serves one request at a time, so that its
/// conditional writes are atomic as DynamoDB's are.
/// </summary>
[Collection(SerialMotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DispatcherPoolOnMotoTests(SerialMotoServer moto) : IAsyncLifetime
{
    private const string Runtime = "sdruntime";
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly CancellationTokenSource _stopping = new();
    private MotoDeployment _deployment = null!;
    private string _table = "";

    public async Task InitializeAsync()
    {
        _deployment = await MotoDeployment.CreateAsync(moto);
        _table = await moto.CreatePoolTableAsync();
    }

    public async Task DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var resource in Enumerable.Reverse(_resources))
        {
            await resource.DisposeAsync();
        }

        _deployment.Dispose();
        _stopping.Dispose();
    }

    [Fact]
    public async Task TwoTasksInOneBatchRunOnTheTwoRegisteredGpus()
    {
        var first = await JoinAsync(new EmulatorOptions { DelayPerImage = TimeSpan.FromSeconds(2), ModelSwitchDelay = TimeSpan.Zero });
        var second = await JoinAsync(new EmulatorOptions { DelayPerImage = TimeSpan.FromSeconds(2), ModelSwitchDelay = TimeSpan.Zero });
        var (runtimeApi, dispatcher) = await StartDispatcherAsync(generationTimeoutSeconds: 60);

        var answer = await runtimeApi.InvokeAsync(await ReceiveEventAsync(await SendAsync("gpu-a"), await SendAsync("gpu-b")));

        Assert.False(answer.IsError, answer.Body + dispatcher.Output);
        Assert.Equal("""{"batchItemFailures":[]}""", answer.Body);
        Assert.Equal("succeeded", (await ResultAsync("gpu-a"))!["status"]!.GetValue<string>());
        Assert.Equal("succeeded", (await ResultAsync("gpu-b"))!["status"]!.GetValue<string>());
        Assert.Equal((1, 1), (first.Emulator.RequestCount, second.Emulator.RequestCount));
        var gauges = MetricLines(dispatcher).Where(line => line["RegisteredGpus"] is not null).ToList();
        Assert.NotEmpty(gauges);
        Assert.All(gauges, line => Assert.Equal((Runtime, 2), (line["Runtime"]!.GetValue<string>(), line["RegisteredGpus"]!.GetValue<int>())));
    }

    [Fact]
    public async Task WithThePoolEmptyATaskGoesBackWithoutAnAttemptAndRunsOnceAServerJoins()
    {
        var (runtimeApi, dispatcher) = await StartDispatcherAsync(generationTimeoutSeconds: 5);

        // 25 s of invocation, 15 s of them kept for bookkeeping and 5 for a generation: it waits 5 s for a slot.
        var waited = await runtimeApi.InvokeAsync(await ReceiveEventAsync(await SendAsync("patient")), functionTimeout: TimeSpan.FromSeconds(25));

        Assert.False(waited.IsError, waited.Body + dispatcher.Output);
        Assert.Equal("""{"batchItemFailures":[]}""", waited.Body);
        var state = (await ReadJsonAsync(TaskKeys.State("patient")))!;
        Assert.Equal(("queued", "capacity", 0), (state["status"]!.GetValue<string>(), state["waiting_for"]!.GetValue<string>(), state["attempts"]!.GetValue<int>()));
        Assert.Null(await ResultAsync("patient"));
        Assert.Contains(MetricLines(dispatcher), line => line["WaitingForCapacity"]?.GetValue<int>() == 1);

        var server = await JoinAsync(new EmulatorOptions { ModelSwitchDelay = TimeSpan.Zero });
        var requeued = await ReceiveAsync(1);
        var message = JsonSerializer.Deserialize(requeued[0].Body, CoreJsonContext.Default.TaskMessage)!;
        Assert.Equal(0, message.Attempts);
        Assert.NotNull(message.WaitingSince);
        var ran = await runtimeApi.InvokeAsync(LambdaEvents.Sqs(MotoDeployment.QueueArn(_deployment.TaskQueueUrl), requeued), functionTimeout: TimeSpan.FromSeconds(60));

        Assert.Equal("""{"batchItemFailures":[]}""", ran.Body);
        var result = (await ResultAsync("patient"))!;
        Assert.Equal(("succeeded", 1), (result["status"]!.GetValue<string>(), result["attempts"]!.GetValue<int>()));
        Assert.Equal(1, server.Emulator.RequestCount);
    }

    [Fact]
    public async Task ADeadlineIsAnsweredByInterruptingTheServerAndReleasingItsSlot()
    {
        var server = await JoinAsync(new EmulatorOptions { DelayPerImage = TimeSpan.FromMinutes(10), ModelSwitchDelay = TimeSpan.Zero });
        var (runtimeApi, dispatcher) = await StartDispatcherAsync(generationTimeoutSeconds: 3);
        var sent = await SendAsync("hung");

        var answer = await runtimeApi.InvokeAsync(await ReceiveEventAsync(sent), functionTimeout: TimeSpan.FromSeconds(60));

        Assert.False(answer.IsError, answer.Body + dispatcher.Output);
        Assert.Contains(sent, answer.Body, StringComparison.Ordinal);
        Assert.Equal(1, server.Emulator.InterruptCount);
        var state = (await ReadJsonAsync(TaskKeys.State("hung")))!;
        Assert.Equal(("pool_timeout", "retry_backoff", 1), (state["last_error"]!["type"]!.GetValue<string>(), state["waiting_for"]!.GetValue<string>(), state["attempts"]!.GetValue<int>()));
        var registry = new DynamoDbPoolRegistry(moto.CreateDynamoDbClient(), _table, [], new PoolRules());
        var lease = await registry.AcquireAsync(new LeaseRequest(Runtime, "probe", null, TimeSpan.FromMinutes(1)), TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(lease);
    }

    [Fact]
    public async Task AServerThatJoinedWithApiAuthIsReachedWithTheCredentialsOfTheRuntimesSecret()
    {
        const string Credentials = "pool:Sup3r-secret";
        var secret = await new MotoSecrets(moto).CreateAsync($"sdwebui-auth-{Guid.NewGuid():N}", Credentials);
        var server = await JoinAsync(new EmulatorOptions { ApiAuth = Credentials, ModelSwitchDelay = TimeSpan.Zero }, Credentials);
        var (runtimeApi, dispatcher) = await StartDispatcherAsync(
            generationTimeoutSeconds: 60,
            runtimes: $$"""{"runtimes":[{"name":"{{Runtime}}","type":"sdwebui","endpoints":[],"models":[],"api_auth_secret":"{{secret}}"}]}""");

        var answer = await runtimeApi.InvokeAsync(await ReceiveEventAsync(await SendAsync("with-auth")));

        Assert.Equal("""{"batchItemFailures":[]}""", answer.Body);
        Assert.Equal("succeeded", (await ResultAsync("with-auth"))!["status"]!.GetValue<string>());
        Assert.Equal(1, server.Emulator.RequestCount);
        Assert.DoesNotContain("Sup3r", dispatcher.Output, StringComparison.Ordinal);
    }

    /// <summary>An emulated server that registers in the pool table and heartbeats until the test ends.</summary>
    /// <param name="apiAuth">The credentials it was started with (--api-auth), which its boot script uses too.</param>
    private async Task<EmulatorHost> JoinAsync(EmulatorOptions options, string? apiAuth = null)
    {
        var emulator = await EmulatorHost.StartAsync(options);
        _resources.Add(emulator);
        var client = moto.CreateDynamoDbClient();
        var membership = new PoolMembership(
            new DynamoDbPoolRegistry(client, _table, [], new PoolRules()),
            new SdWebUiClient(new DispatcherOptions(), _ => apiAuth),
            new PoolMembershipOptions { Runtime = Runtime, Url = emulator.BaseUrl.ToString().TrimEnd('/') },
            NullLogger<PoolMembership>.Instance);
        _ = membership.RunAsync(_stopping.Token);
        await membership.Joined.WaitAsync(TimeSpan.FromSeconds(30));
        return emulator;
    }

    /// <param name="runtimes">SDSERVERLESS_RUNTIMES, when the test needs more than the default runtime.</param>
    private async Task<(RuntimeApiEmulator RuntimeApi, BootstrapProcess Dispatcher)> StartDispatcherAsync(int generationTimeoutSeconds, string? runtimes = null)
    {
        var environment = _deployment.Environment();
        if (runtimes is not null)
        {
            environment["SDSERVERLESS_RUNTIMES"] = runtimes;
        }

        // The pool table alone says where the servers are: the runtime names no endpoint.
        environment.Remove("SDSERVERLESS_SDWEBUI_ENDPOINTS");
        environment["SDSERVERLESS_POOL_TABLE"] = _table;
        environment["SDSERVERLESS_DYNAMODB_SERVICE_URL"] = moto.ServiceUrl;
        environment["SDSERVERLESS_GENERATION_TIMEOUT_SECONDS"] = generationTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var runtimeApi = await RuntimeApiEmulator.StartAsync();
        _resources.Add(runtimeApi);
        var dispatcher = await BootstrapProcess.StartAsync(runtimeApi, "dispatcher", environment);
        _resources.Add(dispatcher);
        return (runtimeApi, dispatcher);
    }

    private Task<string> SendAsync(string id)
    {
        var task = TestTasks.Create(id, TaskType.TextToImage, """{"prompt":"p","steps":1,"width":64,"height":64}""", runtime: Runtime);
        return _deployment.TaskQueue.SendAsync(TestTasks.MessageBody(task), TimeSpan.Zero, CancellationToken.None);
    }

    private async Task<string> ReceiveEventAsync(params string[] messageIds) =>
        LambdaEvents.Sqs(MotoDeployment.QueueArn(_deployment.TaskQueueUrl), await ReceiveAsync(messageIds.Length));

    /// <summary>
    /// Short polls (a long poll would hold this serial moto for every other caller), until <paramref name="count"/>
    /// messages are in hand; delayed ones become visible on their own.
    /// </summary>
    private async Task<List<QueueMessage>> ReceiveAsync(int count)
    {
        var received = new List<QueueMessage>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (received.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {received.Count} of {count} messages arrived");
            received.AddRange(await _deployment.TaskQueue.ReceiveAsync(count - received.Count, TimeSpan.FromMinutes(5), TimeSpan.Zero, CancellationToken.None));
            if (received.Count < count)
            {
                await Task.Delay(250);
            }
        }

        return received;
    }

    private Task<JsonNode?> ResultAsync(string id) => ReadJsonAsync(TaskKeys.Result("output", id));

    private async Task<JsonNode?> ReadJsonAsync(string key)
    {
        try
        {
            using var response = await _deployment.S3.GetObjectAsync(_deployment.Bucket, key);
            return await JsonNode.ParseAsync(response.ResponseStream);
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static List<JsonNode> MetricLines(BootstrapProcess process) =>
        [.. process.Output.Split('\n')
            .Where(line => line.StartsWith('{') && line.Contains("\"_aws\"", StringComparison.Ordinal))
            .Select(line => JsonNode.Parse(line)!)
            .Where(line => line["_aws"] is not null)];
}
