using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Aws;
using SdServerless.Functions.Json;

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

    public SqsTaskQueue CallbackDeadLetters => new(Sqs, CallbackDeadLetterQueueUrl);

    public static async Task<MotoDeployment> CreateAsync(MotoServer moto)
    {
        var deployment = new MotoDeployment(moto, $"lambda-{Guid.NewGuid():N}"[..30]);
        await deployment.CreateResourcesAsync();
        return deployment;
    }

    public static string QueueArn(string queueUrl) => $"arn:aws:sqs:{MotoServer.Region}:123456789012:{queueUrl[(queueUrl.LastIndexOf('/') + 1)..]}";

    /// <summary>The environment template.yaml gives every function, pointed at moto and the given pool.</summary>
    /// <param name="webhookSecretArn">A secret made by <see cref="CreateWebhookSecretAsync"/>.</param>
    public Dictionary<string, string> Environment(Uri? sdWebUi = null, string? webhookUrl = null, string? webhookSecretArn = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_REGION"] = MotoServer.Region,
            ["SDSERVERLESS_S3_SERVICE_URL"] = Moto.ServiceUrl,
            ["SDSERVERLESS_SQS_SERVICE_URL"] = Moto.ServiceUrl,
            ["SDSERVERLESS_SECRETSMANAGER_SERVICE_URL"] = Moto.ServiceUrl,
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

        if (webhookSecretArn is not null)
        {
            environment["SDSERVERLESS_WEBHOOK_SECRET_ARN"] = webhookSecretArn;
        }

        return environment;
    }

    /// <summary>The webhook secret in moto's Secrets Manager, as the deployment keeps it; returns its ARN.</summary>
    public Task<string> CreateWebhookSecretAsync(WebhookSecret secret) => new MotoSecrets(Moto).CreateAsync(Bucket + "-webhook", secret.Reveal());

    /// <summary>What the dispatcher leaves for a finished task: one image, then result.json last.</summary>
    /// <returns>The image's bytes.</returns>
    public async Task<byte[]> WriteSucceededTaskAsync(string id, string callbackUrl)
    {
        var store = new S3ObjectStore(S3, Bucket);
        var imageKey = TaskKeys.Output("output", id, 1, "png");
        var image = Encoding.UTF8.GetBytes("png-bytes-of-" + id);
        await store.PutAsync(imageKey, new MemoryStream(image), "image/png", CancellationToken.None);
        var result = new TaskResult
        {
            IdTask = id,
            Runtime = "sdruntime",
            Tasktype = TaskType.TextToImage,
            Status = TaskStatus.Succeeded,
            Images = [new TaskResultImage(imageKey, TaskKeys.S3Uri(Bucket, imageKey), "image/png", image.Length)],
            CallbackUrl = callbackUrl,
            CreatedAt = DateTimeOffset.UtcNow,
            CompletedAt = DateTimeOffset.UtcNow,
            Attempts = 1,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(result, CoreJsonContext.Default.TaskResult);
        await store.PutAsync(TaskKeys.Result("output", id), new MemoryStream(json), "application/json", CancellationToken.None);
        return image;
    }

    /// <summary>moto's notification of a task's result.json, as S3 would send it to the callback function.</summary>
    public async Task<string> ReceiveResultNotificationAsync(string id)
    {
        var resultKey = TaskKeys.Result("output", id);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var message in await Notifications.ReceiveAsync(10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), CancellationToken.None))
            {
                // The first message after configuring the notification is S3's test event; keys arrive URL-encoded.
                var s3Event = JsonSerializer.Deserialize(message.Body, FunctionsJsonContext.Default.S3Event);
                if (s3Event?.Records is { } records && records.Any(r => r.S3?.Object?.Key is { } key && S3KeyEncoding.Decode(key) == resultKey))
                {
                    await Notifications.DeleteAsync(message.ReceiptHandle, CancellationToken.None);
                    return message.Body;
                }
            }
        }

        throw new TimeoutException($"moto sent no notification for {resultKey}");
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
