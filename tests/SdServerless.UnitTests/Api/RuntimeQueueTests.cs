using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SdServerless.Functions.Composition;
using SdServerless.Functions.Json;

namespace SdServerless.UnitTests.Api;

/// <summary>Each runtime's tasks go to its own queue, and only that queue's depth turns them away.</summary>
public sealed class RuntimeQueueTests
{
    private readonly InMemoryTaskQueue _shared = new();
    private readonly InMemoryTaskQueue _xl = new();
    private readonly ApiHandler _handler;

    public RuntimeQueueTests()
    {
        var options = new SdServerlessOptions
        {
            QueueDepthLimit = 1,
            Runtimes =
            [
                new RuntimeConfig { Name = "sdruntime", Endpoints = ["http://a:7861"], Models = ["v1-5.safetensors"] },
                new RuntimeConfig { Name = "xl", Endpoints = ["http://b:7861"], Models = ["sdxl.safetensors"], QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/sdserverless-xl" },
            ],
        };
        var queues = new TaskQueues("sdserverless-tasks", _shared).Add("xl", "sdserverless-xl", _xl);
        _handler = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton<IObjectStore>(new InMemoryObjectStore())
            .AddSingleton(queues)
            .AddSingleton(options)
            .AddSdServerlessApi()
            .BuildServiceProvider()
            .GetRequiredService<ApiHandler>();
    }

    private static string V1Alpha2(string id, string runtime) =>
        "{\"task\":{\"metadata\":{\"id\":\"" + id + "\",\"runtime\":\"" + runtime + "\",\"tasktype\":\"text-to-image\"},\"content\":{\"prompt\":\"p\"}}}";

    private static string V1Alpha1(string id, string checkpoint) =>
        "{\"alwayson_scripts\":{\"task\":\"text-to-image\",\"id_task\":\"" + id + "\",\"sd_model_checkpoint\":\"" + checkpoint + "\"},\"prompt\":\"p\"}";

    private Task<ApiGatewayProxyResponse> PostAsync(string path, string body)
    {
        var request = ApiTestHost.LoadEvent("apigw-rest-post.json", FunctionsJsonContext.Default.ApiGatewayProxyRequest);
        request.Path = path;
        request.Body = body;
        request.Headers!.Remove("x-api-key");
        request.MultiValueHeaders!.Remove("x-api-key");
        return _handler.HandleRestAsync(request, CancellationToken.None);
    }

    [Fact]
    public async Task AV1Alpha2TaskGoesToItsRuntimesQueue()
    {
        Assert.Equal(200, (await PostAsync("/v1alpha2", V1Alpha2("big", "xl"))).StatusCode);

        Assert.Contains("\"big\"", Assert.Single(_xl.Bodies), StringComparison.Ordinal);
        Assert.Empty(_shared.Bodies);
    }

    [Fact]
    public async Task AV1Alpha1TaskGoesToTheQueueOfTheRuntimeServingItsCheckpoint()
    {
        Assert.Equal(200, (await PostAsync("/v1alpha1", V1Alpha1("old-xl", "sdxl.safetensors"))).StatusCode);
        Assert.Equal(200, (await PostAsync("/v1alpha1", V1Alpha1("old-15", "v1-5.safetensors"))).StatusCode);

        Assert.Contains("\"old-xl\"", Assert.Single(_xl.Bodies), StringComparison.Ordinal);
        Assert.Contains("\"old-15\"", Assert.Single(_shared.Bodies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFullQueueTurnsAwayOnlyItsOwnRuntimesTasks()
    {
        Assert.Equal(200, (await PostAsync("/v1alpha2", V1Alpha2("first-xl", "xl"))).StatusCode);

        Assert.Equal(429, (await PostAsync("/v1alpha2", V1Alpha2("second-xl", "xl"))).StatusCode);
        Assert.Equal(200, (await PostAsync("/v1alpha2", V1Alpha2("first-15", "sdruntime"))).StatusCode);
    }

    [Theory]
    [InlineData("arn:aws:sqs:us-east-1:123456789012:sdserverless-xl", "xl")]
    [InlineData("arn:aws:sqs:us-east-1:123456789012:sdserverless-tasks", "shared")]
    [InlineData("arn:aws:sqs:us-east-1:123456789012:someone-else", "shared")]
    [InlineData(null, "shared")]
    public void ARecordFindsTheQueueItCameFromByItsArn(string? arn, string expected)
    {
        var queues = new TaskQueues(TaskQueues.NameOf("https://sqs.us-east-1.amazonaws.com/123456789012/sdserverless-tasks"), _shared)
            .Add("xl", TaskQueues.NameOf("https://sqs.us-east-1.amazonaws.com/123456789012/sdserverless-xl"), _xl);

        Assert.Same(expected == "xl" ? _xl : _shared, queues.ForEventSource(arn));
    }
}
