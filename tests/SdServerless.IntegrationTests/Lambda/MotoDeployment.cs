using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Aws;
using SdServerless.IntegrationTests.Infrastructure;

namespace SdServerless.IntegrationTests.Lambda;

/// <summary>
/// What template.yaml deploys, made on moto_server for one test: the output bucket, the task queue, the callback
/// dead-letter queue, and a queue that receives the bucket's result.json notifications (in place of S3 invoking the
/// callback function), plus the environment the functions would get.
/// </summary>
public sealed class MotoDeployment : IDisposable
{
    private MotoDeployment(MotoServer moto, string name)
    {
        Moto = moto;
        Bucket = name;
        S3 = moto.CreateS3Client();
        Sqs = moto.CreateSqsClient();
    }

    public MotoServer Moto { get; }

    public string Bucket { get; }

    public AmazonS3Client S3 { get; }

    public AmazonSQSClient Sqs { get; }

    public string TaskQueueUrl { get; private set; } = "";

    public string CallbackDeadLetterQueueUrl { get; private set; } = "";

    public string NotificationQueueUrl { get; private set; } = "";

    public SqsTaskQueue TaskQueue => new(Sqs, TaskQueueUrl);

    public SqsTaskQueue Notifications => new(Sqs, NotificationQueueUrl);

    public static async Task<MotoDeployment> CreateAsync(MotoServer moto)
    {
        var deployment = new MotoDeployment(moto, $"lambda-{Guid.NewGuid():N}"[..30]);
        await deployment.CreateResourcesAsync();
        return deployment;
    }

    public static string QueueArn(string queueUrl) => $"arn:aws:sqs:{MotoServer.Region}:123456789012:{queueUrl[(queueUrl.LastIndexOf('/') + 1)..]}";

    /// <summary>The environment template.yaml gives every function, pointed at moto and the given pool.</summary>
    public Dictionary<string, string> Environment(Uri? sdWebUi = null, string? webhookUrl = null, string? webhookSecret = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = MotoServer.Region,
            ["SDSERVERLESS_S3_SERVICE_URL"] = Moto.ServiceUrl,
            ["SDSERVERLESS_SQS_SERVICE_URL"] = Moto.ServiceUrl,
            ["SDSERVERLESS_BUCKET"] = Bucket,
            ["SDSERVERLESS_TASK_QUEUE_URL"] = TaskQueueUrl,
            ["SDSERVERLESS_CALLBACK_DLQ_URL"] = CallbackDeadLetterQueueUrl,
            ["SDSERVERLESS_SDWEBUI_ENDPOINTS"] = sdWebUi?.ToString().TrimEnd('/') ?? "http://127.0.0.1:9",
            // Loopback receivers and the emulator are private addresses; only tests lift the rule.
            ["SDSERVERLESS_ALLOW_PRIVATE_NETWORK"] = "true",
            ["SDSERVERLESS_ALLOW_HTTP"] = "true",
        };
        if (webhookUrl is not null)
        {
            environment["SDSERVERLESS_WEBHOOK_URL"] = webhookUrl;
        }

        if (webhookSecret is not null)
        {
            environment["SDSERVERLESS_WEBHOOK_SECRET"] = webhookSecret;
        }

        return environment;
    }

    public void Dispose()
    {
        S3.Dispose();
        Sqs.Dispose();
    }

    private async Task CreateResourcesAsync()
    {
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        TaskQueueUrl = (await Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = Bucket + "-tasks" })).QueueUrl;
        CallbackDeadLetterQueueUrl = (await Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = Bucket + "-callback-dlq" })).QueueUrl;
        NotificationQueueUrl = (await Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = Bucket + "-results" })).QueueUrl;
        await S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = Bucket,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Id = "result-json",
                    Queue = QueueArn(NotificationQueueUrl),
                    Events = [EventType.ObjectCreatedAll],
                    Filter = new Amazon.S3.Model.Filter
                    {
                        S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("suffix", "result.json")] },
                    },
                },
            ],
        });
    }
}
