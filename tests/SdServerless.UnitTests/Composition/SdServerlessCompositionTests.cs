using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SdServerless.Functions.Callback;
using SdServerless.Functions.Composition;
using SdServerless.Functions.Json;
using SdServerless.UnitTests.Api;

namespace SdServerless.UnitTests.Composition;

/// <summary>The shared composition: the host's own registrations win over the defaults, whichever comes first.</summary>
public sealed class SdServerlessCompositionTests
{
    private static readonly SdServerlessOptions Options = new()
    {
        Runtimes = [new RuntimeConfig { Name = "sdruntime", Endpoints = ["http://a:7861"], Models = ["v1-5.safetensors"] }],
    };

    private static IServiceCollection HostServices() => new ServiceCollection()
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .AddSingleton<IObjectStore>(new InMemoryObjectStore())
        .AddSingleton(TaskQueues.Single(new InMemoryTaskQueue()))
        .AddSingleton(Options);

    [Fact]
    public void WithoutARegistryOfItsOwnTheDispatcherKeepsTheConfiguredEndpointsInProcess()
    {
        using var provider = HostServices().AddSdServerlessDispatcher().BuildServiceProvider();

        Assert.IsType<InProcessPoolRegistry>(provider.GetRequiredService<IPoolRegistry>());
        Assert.NotNull(provider.GetRequiredService<Functions.Dispatch.DispatcherHandler>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheHostsRegistryIsTheOneTheDispatcherGetsWhetherRegisteredBeforeOrAfter(bool before)
    {
        var registry = new InProcessPoolRegistry([], new PoolRules());
        var services = HostServices();
        if (before)
        {
            services.AddSingleton<IPoolRegistry>(registry);
        }

        services.AddSdServerlessDispatcher();
        if (!before)
        {
            services.AddSingleton<IPoolRegistry>(registry);
        }

        using var provider = services.BuildServiceProvider();

        Assert.Same(registry, provider.GetRequiredService<IPoolRegistry>());
    }

    [Fact]
    public async Task AQueuedTaskShowsThePositionTheHostsQueuePositionsGive()
    {
        using var provider = HostServices().AddSingleton<IQueuePositions>(new FixedPositions(7)).AddSdServerlessApi().BuildServiceProvider();
        var api = provider.GetRequiredService<ApiHandler>();
        var post = ApiTestHost.LoadEvent("apigw-rest-post.json", FunctionsJsonContext.Default.ApiGatewayProxyRequest);
        post.Path = "/v1alpha2";
        post.Body = """{"task":{"metadata":{"id":"t1","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"p"}}}""";
        post.Headers!.Remove("x-api-key");
        post.MultiValueHeaders!.Remove("x-api-key");
        Assert.Equal(200, (await api.HandleRestAsync(post, CancellationToken.None)).StatusCode);

        var get = ApiTestHost.LoadEvent("apigw-rest-get-status.json", FunctionsJsonContext.Default.ApiGatewayProxyRequest);
        get.Path = "/v1alpha2/tasks/t1";
        var status = JsonNode.Parse((await api.HandleRestAsync(get, CancellationToken.None)).Body!)!;

        Assert.Equal(7, status["queue_position"]!.GetValue<long>());
    }

    [Fact]
    public void WithoutASignerSourceTheCallbackRefusesAWebhookSecretThatIsNotOne()
    {
        using var provider = HostServices()
            .AddSingleton<IObjectUrlSigner>(new Local.Callbacks.LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080")))
            .AddSingleton(new CallbackQueues(new InMemoryTaskQueue()))
            .AddSdServerlessCallback()
            .BuildServiceProvider();

        Assert.Throws<FormatException>(() => provider.GetRequiredService<CallbackHandler>());
    }

    [Fact]
    public void TheCallbackHandlerAndTheReplayerAreTheOnesOfItsOneCallbackServices()
    {
        var options = new SdServerlessOptions { WebhookSecret = Core.Webhooks.WebhookSecret.Generate().Reveal() };
        using var provider = HostServices()
            .AddSingleton(options)
            .AddSingleton<IObjectUrlSigner>(new Local.Callbacks.LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080")))
            .AddSingleton(new CallbackQueues(new InMemoryTaskQueue()))
            .AddSdServerlessCallback()
            .BuildServiceProvider();

        var services = provider.GetRequiredService<CallbackServices>();

        Assert.Same(services.Handler, provider.GetRequiredService<CallbackHandler>());
        Assert.Same(services.Replayer, provider.GetRequiredService<CallbackReplayer>());
    }

    private sealed class FixedPositions(long position) : IQueuePositions
    {
        public Task<long?> PositionAsync(string id, CancellationToken cancellationToken) => Task.FromResult<long?>(position);
    }
}
