namespace SdServerless.UnitTests.Dispatch;

/// <summary>The dispatcher talks to SD Web UI as SD Web UI 1.10 needs: credentials, no gzip, one OOM retry, no empty success.</summary>
public sealed class DispatcherFidelityTests
{
    private const string OutOfMemory = """{"error":"OutOfMemoryError","detail":"","body":"","errors":"CUDA out of memory."}""";

    private static SdTask Text(string id) => DispatcherHarness.Task(id, TaskType.TextToImage, """{"prompt":"a cat"}""");

    /// <summary>A harness whose runtime has two servers, sd-a and sd-b, in the registry.</summary>
    private static async Task<DispatcherHarness> TwoServersAsync()
    {
        var registry = new InProcessPoolRegistry([], new PoolRules());
        foreach (var url in new[] { DispatcherHarness.Endpoint, OtherServer })
        {
            await registry.RegisterAsync(new PoolServer { Runtime = "sdruntime", Url = url }, CancellationToken.None);
        }

        return new DispatcherHarness(registry: registry);
    }

    private const string OtherServer = "http://sd-b:7861";

    [Fact]
    public async Task RunningOutOfGpuMemoryOnTheRuntimesOnlyServerFailsAtOnce()
    {
        var harness = new DispatcherHarness();
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => FakeSdWebUi.Json(HttpStatusCode.InternalServerError, OutOfMemory));

        Assert.Empty((await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("oom")))).BatchItemFailures);

        var result = (await harness.ResultAsync("oom"))!;
        Assert.Equal(("failed", "sdwebui_out_of_memory", 1), ((string?)result["status"], (string?)result["error"]!["type"], (int)result["attempts"]!));
        Assert.Contains("no other server", (string?)result["error"]!["message"], StringComparison.Ordinal);
        Assert.Single(harness.SdWebUi.Generations);
        Assert.Empty(harness.Queue.Bodies);
    }

    [Fact]
    public async Task RunningOutOfGpuMemoryIsRetriedOnAnotherServerOfTheRuntime()
    {
        var harness = await TwoServersAsync();
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => FakeSdWebUi.Json(HttpStatusCode.InternalServerError, OutOfMemory));

        Assert.Empty((await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("oom")))).BatchItemFailures);
        var failedOn = Assert.Single(harness.SdWebUi.GenerationServers);
        var (body, delay) = Assert.Single(harness.Queue.Sent.Skip(1));
        var next = JsonSerializer.Deserialize(body, CoreJsonContext.Default.TaskMessage)!;
        Assert.Equal((1, failedOn), (next.Attempts, next.AvoidServer));
        Assert.True(delay > TimeSpan.Zero, "the retry waits for the backoff");
        Assert.Equal("sdwebui_out_of_memory", (string?)(await harness.StateAsync("oom"))!["last_error"]!["type"]);

        // Another task in between: the registry's rotation alone would now bring the retry back to the same server.
        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("between")));
        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty((await harness.DispatchAsync([.. await harness.ReceiveAsync()])).BatchItemFailures);

        var result = (await harness.ResultAsync("oom"))!;
        Assert.Equal(("succeeded", 2), ((string?)result["status"], (int)result["attempts"]!));
        Assert.NotEqual(failedOn, harness.SdWebUi.GenerationServers.Last());
    }

    [Fact]
    public async Task RunningOutOfGpuMemoryOnTheSecondServerTooFailsTheTaskAfterTwoAttempts()
    {
        var harness = await TwoServersAsync();
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => FakeSdWebUi.Json(HttpStatusCode.InternalServerError, OutOfMemory));
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => FakeSdWebUi.Json(HttpStatusCode.InternalServerError, OutOfMemory));

        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("oom")));
        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty((await harness.DispatchAsync([.. await harness.ReceiveAsync()])).BatchItemFailures);

        var result = (await harness.ResultAsync("oom"))!;
        Assert.Equal(("failed", "sdwebui_out_of_memory", 2), ((string?)result["status"], (string?)result["error"]!["type"], (int)result["attempts"]!));
        Assert.Equal(2, harness.SdWebUi.GenerationServers.Distinct().Count());
        Assert.Empty(harness.Queue.Bodies);
    }

    [Fact]
    public async Task AnAnswerWithoutImagesIsAFailureUnlessNoImagesWereAskedFor()
    {
        var harness = new DispatcherHarness();
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => FakeSdWebUi.Json(HttpStatusCode.OK, """{"images":[],"parameters":{},"info":"{}"}"""));
        harness.SdWebUi.ScriptedAnswers.Enqueue(() => FakeSdWebUi.Json(HttpStatusCode.OK, """{"images":[],"parameters":{},"info":"{}"}"""));

        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("empty")));
        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(DispatcherHarness.Task("unsent", TaskType.TextToImage, """{"send_images":false}""")));

        var empty = (await harness.ResultAsync("empty"))!;
        Assert.Equal(("failed", "sdwebui_no_images"), ((string?)empty["status"], (string?)empty["error"]!["type"]));
        Assert.Equal("succeeded", (string?)(await harness.ResultAsync("unsent"))!["status"]);
    }

    [Fact]
    public async Task ApiAuthCredentialsGoInTheAuthorizationHeaderOfTheirRuntimesEndpointsOnly()
    {
        var fake = new FakeSdWebUi();
        var runtimes = new[] { new RuntimeConfig { Name = "sdruntime", Endpoints = [DispatcherHarness.Endpoint + "/"], Models = [FakeSdWebUi.Model], ApiAuth = "pool:s3cret" } };
        using var client = new SdWebUiClient(fake, new SdWebUiCredentials(runtimes).For);

        await client.GetModelsAsync(DispatcherHarness.Endpoint, CancellationToken.None);
        await client.GetModelsAsync("http://other:7861", CancellationToken.None);

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("pool:s3cret"));
        Assert.Equal([(expected, ""), ("", "")], fake.Headers);

    }

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    /// <summary>A harness whose runtime's only server joined through the registry (no configured endpoint).</summary>
    private static async Task<DispatcherHarness> JoinedServerAsync(Action<RuntimeConfig> runtime)
    {
        var registry = new InProcessPoolRegistry([], new PoolRules());
        await registry.RegisterAsync(new PoolServer { Runtime = "sdruntime", Url = OtherServer }, CancellationToken.None);
        return new DispatcherHarness(registry: registry, runtime: config =>
        {
            config.Endpoints = [];
            runtime(config);
        });
    }

    [Fact]
    public async Task AServerThatJoinedThroughTheRegistryGetsItsRuntimesCredentials()
    {
        var harness = await JoinedServerAsync(config => config.ApiAuth = "pool:s3cret");

        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("joined")));

        Assert.Equal("succeeded", (string?)(await harness.ResultAsync("joined"))!["status"]);
        Assert.Equal(OtherServer, Assert.Single(harness.SdWebUi.GenerationServers));
        Assert.NotEmpty(harness.SdWebUi.Headers);
        Assert.All(harness.SdWebUi.Headers, h => Assert.Equal(Basic("pool:s3cret"), h.Authorization));
    }

    [Fact]
    public async Task CredentialsFromTheSecretStoreAreReadAgainAfterTheirLifetime()
    {
        const string SecretId = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sdwebui-auth";
        var harness = await JoinedServerAsync(config => config.ApiAuthSecret = SecretId);
        harness.Secrets[SecretId] = "pool:first";

        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("first")));
        harness.Secrets[SecretId] = "pool:rotated";
        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("cached")));
        harness.Clock.Advance(SdWebUiCredentials.SecretLifetime);
        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("rotated")));

        var used = harness.SdWebUi.Headers.Select(h => h.Authorization).Distinct().ToList();
        Assert.Equal([Basic("pool:first"), Basic("pool:rotated")], used);
        Assert.Equal("succeeded", (string?)(await harness.ResultAsync("rotated"))!["status"]);
    }

    [Fact]
    public async Task ASecretThatIsNotUserColonPasswordFailsTheTaskWithoutRepeatingIt()
    {
        const string SecretId = "sdwebui-auth";
        var harness = await JoinedServerAsync(config => config.ApiAuthSecret = SecretId);
        harness.Secrets[SecretId] = "only-a-password";

        Assert.Empty((await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("badsecret")))).BatchItemFailures);

        var error = (await harness.ResultAsync("badsecret"))!["error"]!;
        Assert.Equal("pool_unavailable", (string?)error["type"]);
        Assert.Contains("api_auth_secret", (string?)error["message"], StringComparison.Ordinal);
        Assert.DoesNotContain("only-a-password", error.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(harness.SdWebUi.Generations);
    }

    [Fact]
    public async Task AnUnreadableSecretIsRetriedLikeAnUnreachableServer()
    {
        var harness = await JoinedServerAsync(config => config.ApiAuthSecret = "missing");

        Assert.Single((await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(Text("nosecret")))).BatchItemFailures);

        var state = (await harness.StateAsync("nosecret"))!;
        Assert.Equal(("queued", "pool_unavailable"), ((string?)state["status"], (string?)state["last_error"]!["type"]));
        Assert.Empty(harness.SdWebUi.Requests);
    }

    [Fact]
    public async Task UrlsInScriptArgumentsAreDownloadedAndSentAsBase64()
    {
        var harness = new DispatcherHarness();
        harness.Inputs.Files["https://images.example.com/unit.png"] = [1, 2, 3];
        var task = DispatcherHarness.Task("cn", TaskType.TextToImage,
            """{"alwayson_scripts":{"ControlNet":{"args":[{"image":{"image":"https://images.example.com/unit.png","mask":null}},"keep"]}}}""");

        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(task));

        var sent = harness.SdWebUi.Generations.Single();
        Assert.Equal("""{"ControlNet":{"args":[{"image":{"image":"AQID","mask":null}},"keep"]}}""", sent["alwayson_scripts"]!.ToJsonString());
        Assert.Equal(["https://images.example.com/unit.png"], harness.Inputs.Downloaded);
    }
}
