namespace SdServerless.Core.Configuration;

/// <summary>The environment variables the Lambda host reads, named once.</summary>
public static class EnvironmentVariableNames
{
    public const string Bucket = "SDSERVERLESS_BUCKET";
    public const string TaskQueueUrl = "SDSERVERLESS_TASK_QUEUE_URL";
    public const string CallbackDeadLetterQueueUrl = "SDSERVERLESS_CALLBACK_DLQ_URL";

    /// <summary>Where Lambda leaves the S3 events the callback function itself failed on (the replay runs them again).</summary>
    public const string CallbackEventDeadLetterQueueUrl = "SDSERVERLESS_CALLBACK_EVENT_DLQ_URL";
    public const string Runtimes = "SDSERVERLESS_RUNTIMES";
    public const string SdWebUiEndpoints = "SDSERVERLESS_SDWEBUI_ENDPOINTS";
    public const string AllowHttp = "SDSERVERLESS_ALLOW_HTTP";
    public const string AllowPrivateNetwork = "SDSERVERLESS_ALLOW_PRIVATE_NETWORK";
    public const string QueueDepthLimit = "SDSERVERLESS_QUEUE_DEPTH_LIMIT";
    public const string MaxAttempts = "SDSERVERLESS_MAX_ATTEMPTS";
    public const string QueueingDeadlineSeconds = "SDSERVERLESS_QUEUEING_DEADLINE_SECONDS";
    public const string GenerationTimeoutSeconds = "SDSERVERLESS_GENERATION_TIMEOUT_SECONDS";
    public const string DefaultWebhookUrl = "SDSERVERLESS_WEBHOOK_URL";
    public const string WebhookSecret = "SDSERVERLESS_WEBHOOK_SECRET";

    /// <summary>The Secrets Manager secret holding the webhook secret (the Lambda functions never get the secret itself).</summary>
    public const string WebhookSecretArn = "SDSERVERLESS_WEBHOOK_SECRET_ARN";

    /// <summary>How long a read of the webhook secret is used (default 300): the longest a rotation takes to apply.</summary>
    public const string WebhookSecretCacheSeconds = "SDSERVERLESS_WEBHOOK_SECRET_CACHE_SECONDS";

    /// <summary>How long after a rotation the previous secret signs as well (default 86400).</summary>
    public const string WebhookSecretRotationOverlapSeconds = "SDSERVERLESS_WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS";
    public const string S3ServiceUrl = "SDSERVERLESS_S3_SERVICE_URL";
    public const string SqsServiceUrl = "SDSERVERLESS_SQS_SERVICE_URL";
    public const string PoolTable = "SDSERVERLESS_POOL_TABLE";
    public const string DynamoDbServiceUrl = "SDSERVERLESS_DYNAMODB_SERVICE_URL";
    public const string SecretsManagerServiceUrl = "SDSERVERLESS_SECRETSMANAGER_SERVICE_URL";
    public const string MetricsNamespace = "SDSERVERLESS_METRICS_NAMESPACE";
}
