using Amazon.S3;
using Microsoft.Extensions.Logging;
using SdServerless.Aws;
using SdServerless.Aws.Pool;
using SdServerless.Aws.SecretsManager;
using SdServerless.Core.Pool;
using SdServerless.Core.Queueing;
using SdServerless.Core.Telemetry;
using SdServerless.Functions.Api;
using SdServerless.Functions.Callback;
using SdServerless.Functions.Dispatch;
using SdServerless.Functions.Events;
using SdServerless.Functions.Json;
using SdServerless.Lambda.Bootstrap;
using SdServerless.Lambda.Handlers;
using SdServerless.Lambda.Json;
using SdServerless.Lambda.Telemetry;

namespace SdServerless.Lambda.Composition;

/// <summary>Builds the handler _HANDLER names from the function's settings: AWS clients, ports, the shared handlers.</summary>
public static class LambdaComposition
{
    /// <param name="metrics">Where the dispatcher reports each finished task (CloudWatch embedded metrics on Lambda).</param>
    public static ILambdaHandler CreateHandler(
        LambdaSettings settings, IEnvironmentVariables environment, ILoggerFactory loggerFactory, ITaskMetrics metrics, TimeProvider clock)
    {
        var options = settings.Options;
        var s3 = AwsClientFactory.CreateS3(settings.S3ServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region));
        var store = new S3ObjectStore(s3, options.Bucket);
        return settings.Handler switch
        {
            HandlerNames.Api => CreateApi(settings, environment, store, loggerFactory, clock),
            HandlerNames.Dispatcher => CreateDispatcher(settings, environment, store, loggerFactory, metrics, clock),
            HandlerNames.Callback => CreateCallback(CreateCallbackServices(settings, environment, s3, store, loggerFactory, clock)),
            HandlerNames.Replay => CreateReplay(CreateCallbackServices(settings, environment, s3, store, loggerFactory, clock)),
            _ => throw new LambdaConfigurationException([$"no handler is named '{settings.Handler}'"]),
        };
    }

    private static ApiGatewayLambdaHandler CreateApi(
        LambdaSettings settings, IEnvironmentVariables environment, S3ObjectStore store, ILoggerFactory loggerFactory, TimeProvider clock)
    {
        var options = settings.Options;

        // Which settings keys the runtimes' registered servers published; where accepted tasks' checkpoints are counted.
        var registry = settings.PoolTable is { } table
            ? new DynamoDbPoolRegistry(
                AwsClientFactory.CreateDynamoDb(settings.DynamoDbServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region)), table, [], new PoolRules(), clock)
            : null;
        var api = ApiHandlerFactory.Create(store, CreateTaskQueues(settings, environment), options, loggerFactory, clock, registry: registry);
        return new ApiGatewayLambdaHandler(api.HandleRestAsync, api.HandleHttpApiAsync);
    }

    private static JsonLambdaHandler<SqsEvent, SqsBatchResponse> CreateDispatcher(
        LambdaSettings settings, IEnvironmentVariables environment, S3ObjectStore store, ILoggerFactory loggerFactory, ITaskMetrics metrics, TimeProvider clock)
    {
        // One request waits in each GPU's queue at the server, as in the local host: the GPU starts it the moment it
        // finishes the last, instead of idling through our state write, the release and the next dispatcher's poll.
        var dispatcherSettings = new DispatcherSettings { GenerationTimeout = settings.GenerationTimeout, RequestsAheadPerSlot = 1 };
        var secrets = CreateSecretsManager(settings, environment, clock);
        var credentials = new SdWebUiCredentials(
            settings.Options.Runtimes,
            async (secretId, cancellationToken) => (await secrets.GetSecretValueAsync(secretId, SecretsManagerClient.CurrentStage, cancellationToken))?.SecretString,
            clock);
        var dispatcher = DispatcherFactory.Create(
            store,
            CreateTaskQueues(settings, environment),
            settings.Options,
            dispatcherSettings,
            loggerFactory,
            metrics,
            clock,
            registry: CreatePoolRegistry(settings, environment, dispatcherSettings, metrics, clock),
            credentials: credentials);
        return new JsonLambdaHandler<SqsEvent, SqsBatchResponse>(
            FunctionsJsonContext.Default.SqsEvent,
            FunctionsJsonContext.Default.SqsBatchResponse,
            (sqsEvent, context, cancellationToken) => dispatcher.HandleAsync(sqsEvent, context.Deadline, cancellationToken));
    }

    private static JsonLambdaHandler<S3Event, EmptyResponse> CreateCallback(CallbackServices callback) =>
        new(
            FunctionsJsonContext.Default.S3Event,
            LambdaJsonContext.Default.EmptyResponse,
            async (s3Event, cancellationToken) =>
            {
                await callback.Handler.HandleAsync(s3Event, cancellationToken).ConfigureAwait(false);
                return EmptyResponse.Instance;
            });

    private static JsonLambdaHandler<CallbackReplayRequest, CallbackReplayReport> CreateReplay(CallbackServices callback) =>
        new(
            FunctionsJsonContext.Default.CallbackReplayRequest,
            FunctionsJsonContext.Default.CallbackReplayReport,
            (request, cancellationToken) => callback.Replayer.ReplayAsync(
                Math.Max(1, request.MaxMessages ?? CallbackReplayRequest.DefaultMaxMessages), cancellationToken));

    /// <summary>Secrets Manager over its JSON API, signed with the function's role (no Secrets Manager SDK).</summary>
    private static SecretsManagerClient CreateSecretsManager(LambdaSettings settings, IEnvironmentVariables environment, TimeProvider clock)
    {
        var region = environment.Get(LambdaEnvironmentVariableNames.Region) ?? AwsClientFactory.FallbackRegion;
        return new SecretsManagerClient(
            new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, SecretsManagerClient.Endpoint(settings.SecretsManagerServiceUrl, region), region, clock: clock);
    }

    /// <summary>
    /// The callback's parts, shared by the callback and replay functions; they live as long as the process, so the
    /// webhook HttpClient and the cached secret serve every invocation.
    /// </summary>
    private static CallbackServices CreateCallbackServices(
        LambdaSettings settings, IEnvironmentVariables environment, IAmazonS3 s3, S3ObjectStore store, ILoggerFactory loggerFactory, TimeProvider clock)
    {
        var options = settings.Options;
        var secretsManager = CreateSecretsManager(settings, environment, clock);
        var signers = new SecretsManagerWebhookSigners(
            secretsManager, settings.WebhookSecret!, clock, loggerFactory.CreateLogger<SecretsManagerWebhookSigners>());
        return CallbackServices.Create(
            store,
            new S3ObjectUrlSigner(s3, options.Bucket),
            TaskQueue(settings, environment, settings.CallbackDeadLetterQueueUrl!),
            options,
            loggerFactory,
            clock: clock,
            signers: signers,
            eventDeadLetters: settings.CallbackEventDeadLetterQueueUrl is { } events ? TaskQueue(settings, environment, events) : null);
    }

    private static SqsTaskQueue TaskQueue(LambdaSettings settings, IEnvironmentVariables environment, string queueUrl) =>
        new(AwsClientFactory.CreateSqs(settings.SqsServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region)), queueUrl);

    /// <summary>
    /// The DynamoDB table every dispatcher invocation shares, when there is one (servers register there; the configured
    /// endpoints are entries too); else null, and the dispatcher keeps the configured endpoints in its own memory.
    /// </summary>
    private static DynamoDbPoolRegistry? CreatePoolRegistry(
        LambdaSettings settings, IEnvironmentVariables environment, DispatcherSettings dispatcherSettings, ITaskMetrics metrics, TimeProvider clock)
    {
        if (settings.PoolTable is not { } table)
        {
            return null;
        }

        var gauges = new PoolGauges(metrics, clock);
        return new DynamoDbPoolRegistry(
            AwsClientFactory.CreateDynamoDb(settings.DynamoDbServiceUrl, environment.Get(LambdaEnvironmentVariableNames.Region)),
            table,
            FixedPoolServers.From(settings.Options.Runtimes, dispatcherSettings.CapacityOf),
            dispatcherSettings.PoolRules,
            clock,
            gauges.Observe);
    }

    /// <summary>The shared task queue, and the own queue of every runtime that has one (queue_url), on one SQS client.</summary>
    private static TaskQueues CreateTaskQueues(LambdaSettings settings, IEnvironmentVariables environment)
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
