using Amazon.S3.Model;
using SdServerless.Aws.Pool;

namespace SdServerless.IntegrationTests.Lambda;

/// <summary>The published Native AOT bootstrap under the Runtime API emulator, with S3 and SQS on moto_server.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class BootstrapOnMotoTests(MotoServer moto) : IAsyncLifetime
{
    private MotoDeployment _deployment = null!;

    public async Task InitializeAsync() => _deployment = await MotoDeployment.CreateAsync(moto);

    public Task DisposeAsync()
    {
        _deployment.Dispose();
        return Task.CompletedTask;
    }

    private static string Seed(string name) => TestDataFiles.Seed(name);

    [Fact]
    public async Task SeedV1Alpha2ExampleGetsTheSeedResponseAndAMessageOnTheTaskQueue()
    {
        await using var runtimeApi = await RuntimeApiEmulator.StartAsync();
        await using var api = await BootstrapProcess.StartAsync(runtimeApi, "api", _deployment.Environment());

        var answer = await runtimeApi.InvokeAsync(LambdaEvents.RestPost("/v1alpha2", Seed("request-v1alpha2.jsonc")));

        Assert.False(answer.IsError, answer.Body + api.Output);
        var response = JsonNode.Parse(answer.Body)!;
        Assert.Equal(200, response["statusCode"]!.GetValue<int>());
        var body = JsonNode.Parse(response["body"]!.GetValue<string>())!;
        var seed = JsonNode.Parse(Seed("response-v1alpha2.json"))!;
        Assert.Equal(seed["id_task"]!.GetValue<string>(), body["id_task"]!.GetValue<string>());
        Assert.Equal(seed["runtime"]!.GetValue<string>(), body["runtime"]!.GetValue<string>());
        Assert.Equal($"s3://{_deployment.Bucket}/output/test-i2i", body["output_location"]!.GetValue<string>());

        var message = Assert.Single(await _deployment.TaskQueue.ReceiveAsync(10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("test-i2i", message.Body);
    }

    [Fact]
    public async Task HandlerExceptionArrivesOnErrorAndTheNextEventIsStillAnswered()
    {
        await using var runtimeApi = await RuntimeApiEmulator.StartAsync();
        await using var api = await BootstrapProcess.StartAsync(runtimeApi, "api", _deployment.Environment());

        var failed = await runtimeApi.InvokeAsync("""["not", "an", "API Gateway event"]""");
        var answered = await runtimeApi.InvokeAsync(LambdaEvents.RestStatus("nobody"), traceId: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1");

        Assert.True(failed.IsError);
        Assert.Equal("Unhandled", failed.ErrorTypeHeader);
        using var error = JsonDocument.Parse(failed.Body);
        Assert.Equal("JsonException", error.RootElement.GetProperty("errorType").GetString());
        Assert.NotEmpty(error.RootElement.GetProperty("errorMessage").GetString()!);
        Assert.False(answered.IsError, answered.Body);
        Assert.Equal(404, JsonNode.Parse(answered.Body)!["statusCode"]!.GetValue<int>());
        Assert.False(api.HasExited);
        Assert.Contains($"\"requestId\":\"{failed.RequestId}\"", api.Output);
    }

    [Fact]
    public async Task TaskTravelsThroughTheThreeFunctionsToImagesInS3AndASignedWebhook()
    {
        await using var sdWebUi = await EmulatorHost.StartAsync(new EmulatorOptions { ModelSwitchDelay = TimeSpan.Zero });
        await using var receiver = await LoopbackHttpServer.StartAsync();
        var secret = WebhookSecret.Generate();
        var environment = _deployment.Environment(sdWebUi.BaseUrl, receiver.Url("/hook").ToString(), await _deployment.CreateWebhookSecretAsync(secret));
        await using var apiRuntime = await RuntimeApiEmulator.StartAsync();
        await using var dispatcherRuntime = await RuntimeApiEmulator.StartAsync();
        await using var callbackRuntime = await RuntimeApiEmulator.StartAsync();
        await using var api = await BootstrapProcess.StartAsync(apiRuntime, "api", environment);
        await using var dispatcher = await BootstrapProcess.StartAsync(dispatcherRuntime, "dispatcher", environment);
        await using var callback = await BootstrapProcess.StartAsync(callbackRuntime, "callback", environment);

        var submitted = await apiRuntime.InvokeAsync(LambdaEvents.RestPost("/v1alpha2", TextToImage("lambda-t2i")));
        Assert.Equal(200, JsonNode.Parse(submitted.Body)!["statusCode"]!.GetValue<int>());
        var accepted = JsonNode.Parse(Assert.Single(api.Output.Split('\n'), line => line.Contains("accepted", StringComparison.Ordinal)))!;
        Assert.Equal("lambda-t2i", accepted["taskId"]!.GetValue<string>());
        Assert.Equal(submitted.RequestId, accepted["requestId"]!.GetValue<string>());

        var messages = await _deployment.TaskQueue.ReceiveAsync(10, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), CancellationToken.None);
        var dispatched = await dispatcherRuntime.InvokeAsync(LambdaEvents.Sqs(MotoDeployment.QueueArn(_deployment.TaskQueueUrl), messages));

        Assert.False(dispatched.IsError, dispatched.Body + dispatcher.Output);
        Assert.Equal("""{"batchItemFailures":[]}""", dispatched.Body);
        var objects = await _deployment.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _deployment.Bucket, Prefix = "output/lambda-t2i/" });
        var keys = objects.S3Objects.Select(o => o.Key).ToList();
        Assert.Contains("output/lambda-t2i/lambda-t2i-1.png", keys);
        Assert.Contains("output/lambda-t2i/lambda-t2i-2.png", keys);
        Assert.Contains("output/lambda-t2i/result.json", keys);
        using (var image = await _deployment.S3.GetObjectAsync(_deployment.Bucket, "output/lambda-t2i/lambda-t2i-1.png"))
        {
            Assert.Equal("image/png", image.Headers.ContentType);
        }

        var metrics = JsonNode.Parse(Assert.Single(dispatcher.Output.Split('\n'), line => line.Contains("\"_aws\"", StringComparison.Ordinal)))!;
        Assert.Equal("sdruntime", metrics["Runtime"]!.GetValue<string>());
        Assert.Equal("INFO", metrics["level"]!.GetValue<string>());
        Assert.Equal(1, metrics["Attempts"]!.GetValue<int>());
        Assert.Equal(0, metrics["Failures"]!.GetValue<int>());

        // moto's own notification of result.json, fed to the callback unchanged, as S3 would invoke it.
        var notification = await _deployment.ReceiveResultNotificationAsync("lambda-t2i");
        var called = await callbackRuntime.InvokeAsync(notification);

        Assert.False(called.IsError, called.Body + callback.Output);
        var webhook = Assert.Single(receiver.Requests);
        Assert.Equal("/hook", webhook.PathAndQuery);
        Assert.Equal(
            WebhookVerification.Valid,
            new WebhookVerifier(secret).Verify(webhook.Headers["webhook-id"], webhook.Headers["webhook-timestamp"], webhook.Headers["webhook-signature"], webhook.Body));
        var payload = JsonNode.Parse(webhook.Body)!;
        Assert.Equal("lambda-t2i", payload["id_task"]!.GetValue<string>());
        Assert.Equal("succeeded", payload["status"]!.GetValue<string>());
        Assert.Equal(2, payload["image_url"]!.AsArray().Count);
        Assert.StartsWith(moto.ServiceUrl, payload["images"]![0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDispatcherLeasesASlotOfAServerThatJoinedThePoolTableAndGivesItBack()
    {
        await using var sdWebUi = await EmulatorHost.StartAsync(new EmulatorOptions { ModelSwitchDelay = TimeSpan.Zero });
        var table = await moto.CreatePoolTableAsync();
        using var dynamoDb = moto.CreateDynamoDbClient();
        var pool = new DynamoDbPoolRegistry(dynamoDb, table, [], new PoolRules());
        var server = sdWebUi.BaseUrl.ToString().TrimEnd('/');
        await pool.RegisterAsync(new PoolServer { Runtime = "sdruntime", Url = server }, default);
        var environment = _deployment.Environment();
        environment["SDSERVERLESS_RUNTIMES"] = """{"runtimes":[{"name":"sdruntime","type":"sdwebui","endpoints":[],"models":[]}]}""";
        environment["SDSERVERLESS_POOL_TABLE"] = table;
        environment["SDSERVERLESS_DYNAMODB_SERVICE_URL"] = moto.ServiceUrl;
        await using var apiRuntime = await RuntimeApiEmulator.StartAsync();
        await using var dispatcherRuntime = await RuntimeApiEmulator.StartAsync();
        await using var api = await BootstrapProcess.StartAsync(apiRuntime, "api", environment);
        await using var dispatcher = await BootstrapProcess.StartAsync(dispatcherRuntime, "dispatcher", environment);

        var submitted = await apiRuntime.InvokeAsync(LambdaEvents.RestPost("/v1alpha2", TextToImage("pooled-t2i")));
        Assert.Equal(200, JsonNode.Parse(submitted.Body)!["statusCode"]!.GetValue<int>());
        var messages = await _deployment.TaskQueue.ReceiveAsync(10, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), CancellationToken.None);
        var dispatched = await dispatcherRuntime.InvokeAsync(LambdaEvents.Sqs(MotoDeployment.QueueArn(_deployment.TaskQueueUrl), messages));

        Assert.False(dispatched.IsError, dispatched.Body + dispatcher.Output);
        Assert.Equal("""{"batchItemFailures":[]}""", dispatched.Body);
        Assert.Contains(server, dispatcher.Output);
        using (var result = await _deployment.S3.GetObjectAsync(_deployment.Bucket, "output/pooled-t2i/result.json"))
        {
            Assert.Equal("succeeded", (await JsonNode.ParseAsync(result.ResponseStream))!["status"]!.GetValue<string>());
        }

        // The server's only slot is free again: the dispatcher released its lease in the table.
        var lease = await pool.AcquireAsync(new LeaseRequest("sdruntime", "after", null, TimeSpan.FromMinutes(1)), TimeSpan.Zero, default);
        Assert.Equal(server, lease?.Url);
    }

    private static string TextToImage(string id) => $$"""
        {"task": {"metadata": {"id": "{{id}}", "runtime": "sdruntime", "tasktype": "text-to-image"},
                  "content": {"prompt": "a lighthouse at dusk", "steps": 4, "width": 64, "height": 64, "batch_size": 2} } }
        """;
}
