using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Aws;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// What template.yaml deploys, made on moto_server (<see cref="MotoServices"/>): the output bucket, the pool table (keys runtime/sk), a task
/// queue per runtime with its dead-letter queue (redrive after 10 receives, visibility 6 × the dispatcher's timeout),
/// the callback dead-letter queue; and the environment the template gives the functions. The functions and the event
/// source mappings reach moto through <see cref="Functions"/>, the GPU servers through <see cref="Servers"/>: two
/// counting proxies, so that the calls a task costs are counted apart from the servers' heartbeats.
/// </summary>
public sealed class PoolStack : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string TableName = "sdserverless-pool";
    public const string Bucket = "sdserverless-output";

    /// <summary>moto accepts any credentials; these keep the SDK away from the machine's own.</summary>
    public static readonly AWSCredentials Credentials = new BasicAWSCredentials("bench", "bench");

    private PoolStack(MotoServices moto, CountingProxy functions, CountingProxy servers)
    {
        Moto = moto;
        Functions = functions;
        Servers = servers;
    }

    /// <summary>The moto_server of each service (one process for all three, or one each).</summary>
    public MotoServices Moto { get; }

    public CountingProxy Functions { get; }

    public CountingProxy Servers { get; }

    /// <summary>Task queue URL per runtime, in the order given.</summary>
    public Dictionary<string, string> TaskQueues { get; } = new(StringComparer.Ordinal);

    public string CallbackDeadLetterQueueUrl { get; private set; } = "";

    /// <param name="separateMoto">One moto_server per service (as AWS's services are apart), else one for all three.</param>
    public static async Task<PoolStack> CreateAsync(IReadOnlyList<string> runtimes, bool separateMoto, CancellationToken cancellationToken)
    {
        var moto = await MotoServices.StartAsync(separateMoto, cancellationToken);
        var stack = new PoolStack(moto, await CountingProxy.StartAsync(moto.UrlFor), await CountingProxy.StartAsync(moto.UrlFor));
        try
        {
            await stack.CreateResourcesAsync(runtimes, cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Clients straight to moto, uncounted: the benchmark's own set-up and reading of results.</summary>
    public AmazonS3Client CreateS3() => AwsClientFactory.CreateS3(Moto.S3.ServiceUrl, Region, Credentials);

    public AmazonSQSClient CreateSqs(string? serviceUrl = null) => AwsClientFactory.CreateSqs(serviceUrl ?? Moto.Sqs.ServiceUrl, Region, Credentials);

    public AmazonDynamoDBClient CreateDynamoDb() =>
        new(Credentials, new AmazonDynamoDBConfig { ServiceURL = Moto.DynamoDb.ServiceUrl, AuthenticationRegion = Region });

    /// <summary>
    /// The variables template.yaml gives the api and dispatcher functions, pointed at moto through the counting proxy.
    /// <paramref name="runtimesJson"/> is SDSERVERLESS_RUNTIMES.
    /// </summary>
    public Dictionary<string, string> FunctionEnvironment(string runtimesJson, string firstRuntime) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "bench",
        ["AWS_SECRET_ACCESS_KEY"] = "bench",
        ["AWS_REGION"] = Region,
        ["SDSERVERLESS_S3_SERVICE_URL"] = Functions.Url,
        ["SDSERVERLESS_SQS_SERVICE_URL"] = Functions.Url,
        ["SDSERVERLESS_DYNAMODB_SERVICE_URL"] = Functions.Url,
        ["SDSERVERLESS_BUCKET"] = Bucket,
        ["SDSERVERLESS_TASK_QUEUE_URL"] = TaskQueues[firstRuntime],
        ["SDSERVERLESS_POOL_TABLE"] = TableName,
        ["SDSERVERLESS_RUNTIMES"] = runtimesJson,
        ["SDSERVERLESS_METRICS_NAMESPACE"] = "SdServerless/bench",
        ["SDSERVERLESS_MAX_ATTEMPTS"] = "5",
        ["SDSERVERLESS_QUEUEING_DEADLINE_SECONDS"] = "3600",
        ["SDSERVERLESS_CALLBACK_DLQ_URL"] = CallbackDeadLetterQueueUrl,
        // The emulated GPU servers listen on loopback.
        ["SDSERVERLESS_ALLOW_PRIVATE_NETWORK"] = "true",
        ["SDSERVERLESS_ALLOW_HTTP"] = "true",
        ["AWS_LAMBDA_LOG_LEVEL"] = "INFO",
    };

    /// <summary>SDSERVERLESS_RUNTIMES: each runtime with its checkpoints and its own task queue, no fixed endpoints.</summary>
    public string RuntimesJson(IReadOnlyDictionary<string, IReadOnlyList<string>> modelsByRuntime)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("runtimes");
            foreach (var (runtime, models) in modelsByRuntime)
            {
                json.WriteStartObject();
                json.WriteString("name", runtime);
                json.WriteString("type", "sdwebui");
                json.WriteStartArray("endpoints");
                json.WriteEndArray();
                json.WriteStartArray("models");
                foreach (var model in models)
                {
                    json.WriteStringValue(model);
                }

                json.WriteEndArray();
                json.WriteString("queue_url", TaskQueues[runtime]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await Functions.DisposeAsync();
        await Servers.DisposeAsync();
        Moto.Dispose();
    }

    private async Task CreateResourcesAsync(IReadOnlyList<string> runtimes, CancellationToken cancellationToken)
    {
        using var s3 = CreateS3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }, cancellationToken);
        using var dynamo = CreateDynamoDb();
        await dynamo.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = TableName,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = [new AttributeDefinition("runtime", ScalarAttributeType.S), new AttributeDefinition("sk", ScalarAttributeType.S)],
                KeySchema = [new KeySchemaElement("runtime", KeyType.HASH), new KeySchemaElement("sk", KeyType.RANGE)],
            },
            cancellationToken);
        await dynamo.UpdateTimeToLiveAsync(
            new UpdateTimeToLiveRequest
            {
                TableName = TableName,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = "expires_at", Enabled = true },
            },
            cancellationToken);

        using var sqs = CreateSqs();
        foreach (var runtime in runtimes)
        {
            var deadLetter = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = $"tasks-{runtime}-dlq" }, cancellationToken);
            var redrive = $$"""{"deadLetterTargetArn":"arn:aws:sqs:{{Region}}:123456789012:tasks-{{runtime}}-dlq","maxReceiveCount":"10"}""";
            var queue = await sqs.CreateQueueAsync(
                new CreateQueueRequest
                {
                    QueueName = $"tasks-{runtime}",
                    Attributes = new Dictionary<string, string>
                    {
                        ["VisibilityTimeout"] = "5400",
                        ["MessageRetentionPeriod"] = "345600",
                        ["RedrivePolicy"] = redrive,
                    },
                },
                cancellationToken);
            _ = deadLetter;
            TaskQueues[runtime] = queue.QueueUrl;
        }

        CallbackDeadLetterQueueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "callback-dlq" }, cancellationToken)).QueueUrl;
    }
}
