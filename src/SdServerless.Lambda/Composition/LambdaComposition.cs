using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SdServerless.Aws;
using SdServerless.Aws.Pool;
using SdServerless.Aws.SecretsManager;
using SdServerless.Core.Pool;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;
using SdServerless.Core.Telemetry;
using SdServerless.Core.Webhooks;
using SdServerless.Functions.Api;
using SdServerless.Functions.Callback;
using SdServerless.Functions.Composition;
using SdServerless.Functions.Dispatch;
using SdServerless.Functions.Events;
using SdServerless.Functions.Json;
using SdServerless.Lambda.Bootstrap;
using SdServerless.Lambda.Handlers;
using SdServerless.Lambda.Json;
using SdServerless.Lambda.Telemetry;

namespace SdServerless.Lambda.Composition;

/// <summary>
/// Builds the handler _HANDLER names from the function's settings: this host registers its AWS adapters (S3, SQS,
/// DynamoDB, Secrets Manager) and the settings it bound once, and the handlers come from the same composition the
/// local host uses (<see cref="SdServerlessServiceCollectionExtensions"/>).
/// </summary>
public static class LambdaComposition
{
    /// <summary>The handler <see cref="LambdaOptions.Handler"/> names, with everything it needs built once for the process.</summary>
    /// <param name="settings">The function's settings, already checked (<see cref="LambdaOptions.Load"/>).</param>
    /// <param name="environment">Where the AWS region is read.</param>
    /// <param name="loggerFactory">The function's JSON logging.</param>
    /// <param name="metrics">Where the dispatcher reports each finished task (CloudWatch embedded metrics on Lambda).</param>
    /// <param name="clock">Leases, deadlines, secret caching; the system clock outside tests.</param>
    public static ILambdaHandler CreateHandler(
        LambdaOptions settings, IEnvironmentVariables environment, ILoggerFactory loggerFactory, ITaskMetrics metrics, TimeProvider clock)
    {
        var options = settings.Options;
        var s3 = AwsClientFactory.CreateS3(settings.S3ServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region));
        var services = new ServiceCollection()
            .AddSingleton(loggerFactory)
            .AddSingleton(clock)
            .AddSingleton(metrics)
            .AddSingleton(options)
            .AddSingleton<IObjectStore>(new S3ObjectStore(s3, options.Bucket));

        // The process lives as long as its one handler: so do the container and what it built (clients, caches).
        return settings.Handler switch
        {
            HandlerNames.Api => CreateApi(AddApi(services, settings, environment, clock).BuildServiceProvider()),
            HandlerNames.Dispatcher => CreateDispatcher(AddDispatcher(services, settings, environment, metrics, clock).BuildServiceProvider()),
            HandlerNames.Callback => CreateCallback(AddCallback(services, settings, environment, s3, loggerFactory, clock).BuildServiceProvider()),
            HandlerNames.Replay => CreateReplay(AddCallback(services, settings, environment, s3, loggerFactory, clock).BuildServiceProvider()),
            _ => throw new LambdaConfigurationException([$"no handler is named '{settings.Handler}'"]),
        };
    }

    private static IServiceCollection AddApi(IServiceCollection services, LambdaOptions settings, IEnvironmentVariables environment, TimeProvider clock)
    {
        services.AddSingleton(CreateTaskQueues(settings, environment));

        // Which settings keys the runtimes' registered servers published; where accepted tasks' checkpoints are counted.
        if (settings.PoolTable is { } table)
        {
            services.AddSingleton<IPoolRegistry>(new DynamoDbPoolRegistry(
                AwsClientFactory.CreateDynamoDb(settings.DynamoDbServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region)), table, [], new PoolRules(), clock));
        }

        return services.AddSdServerlessApi();
    }

    private static ApiGatewayLambdaHandler CreateApi(IServiceProvider services)
    {
        var api = services.GetRequiredService<ApiHandler>();
        return new ApiGatewayLambdaHandler(api.HandleRestAsync, api.HandleHttpApiAsync);
    }

    private static IServiceCollection AddDispatcher(
        IServiceCollection services, LambdaOptions settings, IEnvironmentVariables environment, ITaskMetrics metrics, TimeProvider clock)
    {
        // One request waits in each GPU's queue at the server, as in the local host: the GPU starts it the moment it
        // finishes the last, instead of idling through our state write, the release and the next dispatcher's poll.
        var dispatcherOptions = new DispatcherOptions { GenerationTimeout = settings.GenerationTimeout, RequestsAheadPerSlot = 1 };
        var secrets = CreateSecretsManager(settings, environment, clock);
        services.AddSingleton(dispatcherOptions);
        services.AddSingleton(CreateTaskQueues(settings, environment));
        services.AddSingleton(new SdWebUiCredentials(
            settings.Options.Runtimes,
            async (secretId, cancellationToken) => (await secrets.GetSecretValueAsync(secretId, SecretsManagerClient.CurrentStage, cancellationToken))?.SecretString,
            clock));
        if (CreatePoolRegistry(settings, environment, dispatcherOptions, metrics, clock) is { } registry)
        {
            services.AddSingleton<IPoolRegistry>(registry);
        }

        return services.AddSdServerlessDispatcher();
    }

    private static JsonLambdaHandler<SqsEvent, SqsBatchResponse> CreateDispatcher(IServiceProvider services)
    {
        var dispatcher = services.GetRequiredService<DispatcherHandler>();
        return new JsonLambdaHandler<SqsEvent, SqsBatchResponse>(
            FunctionsJsonContext.Default.SqsEvent,
            FunctionsJsonContext.Default.SqsBatchResponse,
            (sqsEvent, context, cancellationToken) => dispatcher.HandleAsync(sqsEvent, context.Deadline, cancellationToken));
    }

    private static JsonLambdaHandler<S3Event, EmptyResponse> CreateCallback(IServiceProvider services)
    {
        var callback = services.GetRequiredService<CallbackHandler>();
        return new(
            FunctionsJsonContext.Default.S3Event,
            LambdaJsonContext.Default.EmptyResponse,
            async (s3Event, cancellationToken) =>
            {
                await callback.HandleAsync(s3Event, cancellationToken).ConfigureAwait(false);
                return EmptyResponse.Instance;
            });
    }

    private static JsonLambdaHandler<CallbackReplayRequest, CallbackReplayReport> CreateReplay(IServiceProvider services)
    {
        var replayer = services.GetRequiredService<CallbackReplayer>();
        return new(
            FunctionsJsonContext.Default.CallbackReplayRequest,
            FunctionsJsonContext.Default.CallbackReplayReport,
            (request, cancellationToken) => replayer.ReplayAsync(
                Math.Max(1, request.MaxMessages ?? CallbackReplayRequest.DefaultMaxMessages), cancellationToken));
    }

    /// <summary>Secrets Manager over its JSON API, signed with the function's role (no Secrets Manager SDK).</summary>
    private static SecretsManagerClient CreateSecretsManager(LambdaOptions settings, IEnvironmentVariables environment, TimeProvider clock)
    {
        var region = environment.Get(LambdaEnvironmentVariableNames.Region) ?? AwsClientFactory.FallbackRegion;
        return new SecretsManagerClient(
            new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, SecretsManagerClient.Endpoint(settings.SecretsManagerServiceUrl, region), region, clock: clock);
    }

    /// <summary>
    /// The callback's parts, shared by the callback and replay functions; they live as long as the process, so the
    /// webhook HttpClient and the cached secret serve every invocation.
    /// </summary>
    private static IServiceCollection AddCallback(
        IServiceCollection services, LambdaOptions settings, IEnvironmentVariables environment, IAmazonS3 s3, ILoggerFactory loggerFactory, TimeProvider clock)
    {
        var options = settings.Options;
        var secretsManager = CreateSecretsManager(settings, environment, clock);
        return services
            .AddSingleton<IWebhookSignerSource>(new SecretsManagerWebhookSigners(
                secretsManager, settings.WebhookSecret!, clock, loggerFactory.CreateLogger<SecretsManagerWebhookSigners>()))
            .AddSingleton<IObjectUrlSigner>(new S3ObjectUrlSigner(s3, options.Bucket))
            .AddSingleton(new CallbackQueues(
                TaskQueue(settings, environment, settings.CallbackDeadLetterQueueUrl!),
                settings.CallbackEventDeadLetterQueueUrl is { } events ? TaskQueue(settings, environment, events) : null))
            .AddSdServerlessCallback();
    }

    private static SqsTaskQueue TaskQueue(LambdaOptions settings, IEnvironmentVariables environment, string queueUrl) =>
        new(AwsClientFactory.CreateSqs(settings.SqsServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region)), queueUrl);

    /// <summary>
    /// The DynamoDB table every dispatcher invocation shares, when there is one (servers register there; the configured
    /// endpoints are entries too); else null, and the dispatcher keeps the configured endpoints in its own memory.
    /// </summary>
    private static DynamoDbPoolRegistry? CreatePoolRegistry(
        LambdaOptions settings, IEnvironmentVariables environment, DispatcherOptions dispatcherOptions, ITaskMetrics metrics, TimeProvider clock)
    {
        if (settings.PoolTable is not { } table)
        {
            return null;
        }

        var gauges = new PoolGauges(metrics, clock);
        return new DynamoDbPoolRegistry(
            AwsClientFactory.CreateDynamoDb(settings.DynamoDbServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region)),
            table,
            FixedPoolServers.From(settings.Options.Runtimes, dispatcherOptions.CapacityOf),
            dispatcherOptions.PoolRules,
            clock,
            gauges.Observe);
    }

    /// <summary>The shared task queue, and the own queue of every runtime that has one (queue_url), on one SQS client.</summary>
    private static TaskQueues CreateTaskQueues(LambdaOptions settings, IEnvironmentVariables environment)
    {
        var sqs = AwsClientFactory.CreateSqs(settings.SqsServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region));
        var queues = new TaskQueues(TaskQueues.NameOf(settings.TaskQueueUrl!), new SqsTaskQueue(sqs, settings.TaskQueueUrl!));
        foreach (var runtime in settings.Options.Runtimes)
        {
            if (runtime.QueueUrl is { } url)
            {
                queues.Add(runtime.Name, TaskQueues.NameOf(url), new SqsTaskQueue(sqs, url));
            }
        }

        return queues;
    }
}
