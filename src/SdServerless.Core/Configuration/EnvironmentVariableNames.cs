namespace SdServerless.Core.Configuration;

/// <summary>The environment variables the Lambda host reads, named once.</summary>
public static class EnvironmentVariableNames
{
    /// <summary>The S3 bucket holding task records, results and output images; every function needs it.</summary>
    public const string Bucket = "SDSERVERLESS_BUCKET";
    /// <summary>The SQS queue the API enqueues tasks on and the dispatcher consumes (required by both).</summary>
    public const string TaskQueueUrl = "SDSERVERLESS_TASK_QUEUE_URL";
    /// <summary>Where callbacks that could not be delivered are parked for the replay function (callback and replay need it).</summary>
    public const string CallbackDeadLetterQueueUrl = "SDSERVERLESS_CALLBACK_DLQ_URL";

    /// <summary>Where Lambda leaves the S3 events the callback function itself failed on (the replay runs them again).</summary>
    public const string CallbackEventDeadLetterQueueUrl = "SDSERVERLESS_CALLBACK_EVENT_DLQ_URL";
    /// <summary>The runtimes as JSON (names, endpoints, bounds); when unset, one default runtime is built from <see cref="SdWebUiEndpoints"/>.</summary>
    public const string Runtimes = "SDSERVERLESS_RUNTIMES";
    /// <summary>Comma-separated SD Web UI base URLs for the default runtime, the short form of <see cref="Runtimes"/>.</summary>
    public const string SdWebUiEndpoints = "SDSERVERLESS_SDWEBUI_ENDPOINTS";
    /// <summary>"true" accepts http:// URL inputs and callbacks as well as https:// (development only).</summary>
    public const string AllowHttp = "SDSERVERLESS_ALLOW_HTTP";
    /// <summary>"true" lets URL inputs and callbacks reach loopback and private addresses (development only).</summary>
    public const string AllowPrivateNetwork = "SDSERVERLESS_ALLOW_PRIVATE_NETWORK";
    /// <summary>Queue depth above which submissions get 429; unset or 0 means no limit.</summary>
    public const string QueueDepthLimit = "SDSERVERLESS_QUEUE_DEPTH_LIMIT";
    /// <summary>Attempts on transient pool failures before a task fails (default 5, at most 100).</summary>
    public const string MaxAttempts = "SDSERVERLESS_MAX_ATTEMPTS";
    /// <summary>How long a task may wait for capacity before it fails with no_capacity (default 3600).</summary>
    public const string QueueingDeadlineSeconds = "SDSERVERLESS_QUEUEING_DEADLINE_SECONDS";
    /// <summary>How long one generation may run on SD Web UI before it is interrupted; bounded by Lambda's longest timeout.</summary>
    public const string GenerationTimeoutSeconds = "SDSERVERLESS_GENERATION_TIMEOUT_SECONDS";
    /// <summary>Where results are posted for tasks that name no callback_url of their own.</summary>
    public const string DefaultWebhookUrl = "SDSERVERLESS_WEBHOOK_URL";
    /// <summary>
    /// The webhook secret itself, for hosts other than Lambda; on Lambda setting it is an error, since anyone who may read
    /// the function's configuration could read it (use <see cref="WebhookSecretArn"/>).
    /// </summary>
    public const string WebhookSecret = "SDSERVERLESS_WEBHOOK_SECRET";

    /// <summary>The Secrets Manager secret holding the webhook secret (the Lambda functions never get the secret itself).</summary>
    public const string WebhookSecretArn = "SDSERVERLESS_WEBHOOK_SECRET_ARN";

    /// <summary>How long a read of the webhook secret is used (default 300): the longest a rotation takes to apply.</summary>
    public const string WebhookSecretCacheSeconds = "SDSERVERLESS_WEBHOOK_SECRET_CACHE_SECONDS";

    /// <summary>How long after a rotation the previous secret signs as well (default 86400).</summary>
    public const string WebhookSecretRotationOverlapSeconds = "SDSERVERLESS_WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS";
    /// <summary>An S3-compatible endpoint to use instead of AWS's (tests, moto); unset in production.</summary>
    public const string S3ServiceUrl = "SDSERVERLESS_S3_SERVICE_URL";
    /// <summary>An SQS-compatible endpoint to use instead of AWS's (tests, moto); unset in production.</summary>
    public const string SqsServiceUrl = "SDSERVERLESS_SQS_SERVICE_URL";
    /// <summary>The DynamoDB table GPU servers register in and the dispatcher leases slots from; unset, runtimes need fixed endpoints.</summary>
    public const string PoolTable = "SDSERVERLESS_POOL_TABLE";
    /// <summary>A DynamoDB-compatible endpoint to use instead of AWS's (tests, moto); unset in production.</summary>
    public const string DynamoDbServiceUrl = "SDSERVERLESS_DYNAMODB_SERVICE_URL";
    /// <summary>A Secrets Manager-compatible endpoint to use instead of AWS's (tests, moto); unset in production.</summary>
    public const string SecretsManagerServiceUrl = "SDSERVERLESS_SECRETSMANAGER_SERVICE_URL";
    /// <summary>The CloudWatch namespace of the task metrics written as embedded metric format (a default applies when unset).</summary>
    public const string MetricsNamespace = "SDSERVERLESS_METRICS_NAMESPACE";
}
