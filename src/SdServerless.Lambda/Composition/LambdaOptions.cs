using System.Globalization;
using SdServerless.Aws.SecretsManager;
using SdServerless.Core.Configuration;
using SdServerless.Core.Runtimes;
using SdServerless.Lambda.Bootstrap;

namespace SdServerless.Lambda.Composition;

/// <summary>Everything the function reads from its environment, bound and checked once at start.</summary>
public sealed class LambdaOptions
{
    /// <summary>A week: a task that waited longer for a GPU is no longer wanted (and the bound keeps TimeSpan in range).</summary>
    private const long MaxQueueingDeadlineSeconds = 7 * 24 * 3600;

    private const long MaxGenerationSeconds = 900;

    /// <summary>Which function this process is (_HANDLER): one of <see cref="HandlerNames.All"/>.</summary>
    public required string Handler { get; init; }

    /// <summary>The settings every host shares: bucket, runtimes, limits.</summary>
    public required SdServerlessOptions Options { get; init; }

    /// <summary>The shared task queue (api, dispatcher); null for the functions that never touch it.</summary>
    public string? TaskQueueUrl { get; init; }

    /// <summary>Where the callback and replay functions keep webhooks that could not be delivered.</summary>
    public string? CallbackDeadLetterQueueUrl { get; init; }

    /// <summary>The replay function's: the S3 events the callback function failed on; null: none to run again.</summary>
    public string? CallbackEventDeadLetterQueueUrl { get; init; }

    /// <summary>Where the callback and replay functions read the webhook secret (they never get the secret itself).</summary>
    public WebhookSecretOptions? WebhookSecret { get; init; }

    /// <summary>Only for tests against an S3/SQS-compatible server; null on AWS.</summary>
    public string? S3ServiceUrl { get; init; }

    /// <summary>Only for tests against an SQS-compatible server; null on AWS.</summary>
    public string? SqsServiceUrl { get; init; }

    /// <summary>The pool registry's DynamoDB table (dispatcher); null: the configured endpoints, in the function's memory.</summary>
    public string? PoolTable { get; init; }

    /// <summary>Only for tests against a DynamoDB-compatible server; null on AWS.</summary>
    public string? DynamoDbServiceUrl { get; init; }

    /// <summary>How long one generation may run from the lease of its slot; null: until the invocation's deadline.</summary>
    public TimeSpan? GenerationTimeout { get; init; }

    /// <summary>Only for tests against a Secrets Manager-compatible server; null on AWS.</summary>
    public string? SecretsManagerServiceUrl { get; init; }

    /// <summary>Reads the variables the handler needs and reports every missing or invalid one together.</summary>
    public static LambdaOptions Load(IEnvironmentVariables environment)
    {
        var problems = new List<string>();
        var handler = environment.Get(LambdaEnvironmentVariableNames.Handler);
        if (handler is null || !HandlerNames.All.Contains(handler))
        {
            problems.Add($"{LambdaEnvironmentVariableNames.Handler} must be one of {string.Join(", ", HandlerNames.All)} (got '{handler}')");
            throw new LambdaConfigurationException(problems);
        }

        string? Require(string name)
        {
            var value = environment.Get(name);
            if (value is null)
            {
                problems.Add($"{name} is not set (the {handler} function needs it)");
            }

            return value;
        }

        var needsQueueAndRuntimes = handler is HandlerNames.Api or HandlerNames.Dispatcher;
        var bucket = Require(EnvironmentVariableNames.Bucket);
        var taskQueueUrl = needsQueueAndRuntimes ? Require(EnvironmentVariableNames.TaskQueueUrl) : environment.Get(EnvironmentVariableNames.TaskQueueUrl);
        var sendsCallbacks = handler is HandlerNames.Callback or HandlerNames.Replay;
        var callbackDlq = sendsCallbacks ? Require(EnvironmentVariableNames.CallbackDeadLetterQueueUrl) : null;
        var webhookSecret = sendsCallbacks ? ReadWebhookSecret(environment, Require(EnvironmentVariableNames.WebhookSecretArn), problems) : null;

        var poolTable = environment.Get(EnvironmentVariableNames.PoolTable);
        if (poolTable is not null && !IsTableName(poolTable))
        {
            problems.Add($"{EnvironmentVariableNames.PoolTable} must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -), not '{poolTable}'");
        }

        var runtimes = needsQueueAndRuntimes ? ReadRuntimes(environment, poolTable is not null, problems) : [];
        if (handler == HandlerNames.Dispatcher && poolTable is null)
        {
            foreach (var runtime in runtimes.Where(r => r.Endpoints.Count == 0))
            {
                problems.Add($"runtime '{runtime.Name}' has no endpoints and {EnvironmentVariableNames.PoolTable} is not set: no server could ever take its tasks");
            }
        }

        var generationSeconds = ReadNumber(environment, EnvironmentVariableNames.GenerationTimeoutSeconds, 0, problems);
        if (generationSeconds > MaxGenerationSeconds)
        {
            problems.Add($"{EnvironmentVariableNames.GenerationTimeoutSeconds} must be at most {MaxGenerationSeconds} (Lambda's longest timeout), not {generationSeconds}");
        }

        var options = new SdServerlessOptions
        {
            Bucket = bucket ?? "",
            Runtimes = runtimes,
            AllowHttp = ReadBool(environment, EnvironmentVariableNames.AllowHttp, problems),
            AllowPrivateNetwork = ReadBool(environment, EnvironmentVariableNames.AllowPrivateNetwork, problems),
            QueueDepthLimit = ReadNumber(environment, EnvironmentVariableNames.QueueDepthLimit, 0, problems),
            MaxAttempts = (int)Math.Min(ReadNumber(environment, EnvironmentVariableNames.MaxAttempts, 5, problems), 100),
            QueueingDeadline = TimeSpan.FromSeconds(Math.Min(ReadNumber(environment, EnvironmentVariableNames.QueueingDeadlineSeconds, 3600, problems), MaxQueueingDeadlineSeconds)),
            DefaultWebhookUrl = environment.Get(EnvironmentVariableNames.DefaultWebhookUrl),
        };

        if (problems.Count > 0)
        {
            throw new LambdaConfigurationException(problems);
        }

        return new LambdaOptions
        {
            Handler = handler,
            Options = options,
            TaskQueueUrl = taskQueueUrl,
            CallbackDeadLetterQueueUrl = callbackDlq,
            CallbackEventDeadLetterQueueUrl = handler == HandlerNames.Replay ? environment.Get(EnvironmentVariableNames.CallbackEventDeadLetterQueueUrl) : null,
            WebhookSecret = webhookSecret,
            S3ServiceUrl = environment.Get(EnvironmentVariableNames.S3ServiceUrl),
            SqsServiceUrl = environment.Get(EnvironmentVariableNames.SqsServiceUrl),
            PoolTable = poolTable,
            DynamoDbServiceUrl = environment.Get(EnvironmentVariableNames.DynamoDbServiceUrl),
            GenerationTimeout = generationSeconds > 0 ? TimeSpan.FromSeconds(generationSeconds) : null,
            SecretsManagerServiceUrl = environment.Get(EnvironmentVariableNames.SecretsManagerServiceUrl),
        };
    }

    private static WebhookSecretOptions? ReadWebhookSecret(IEnvironmentVariables environment, string? secretArn, List<string> problems)
    {
        if (environment.Get(EnvironmentVariableNames.WebhookSecret) is not null)
        {
            // A secret in the environment is readable by anyone who may read the function's configuration.
            // The message names the variable, never its value.
            problems.Add($"{EnvironmentVariableNames.WebhookSecret} is not read on Lambda: keep the secret in Secrets Manager and name it in {EnvironmentVariableNames.WebhookSecretArn}");
        }

        var cacheSeconds = ReadNumber(environment, EnvironmentVariableNames.WebhookSecretCacheSeconds, (long)WebhookSecretOptions.DefaultCacheDuration.TotalSeconds, problems);
        var overlapSeconds = ReadNumber(
            environment, EnvironmentVariableNames.WebhookSecretRotationOverlapSeconds, (long)WebhookSecretOptions.DefaultRotationOverlap.TotalSeconds, problems);
        return secretArn is null
            ? null
            : new WebhookSecretOptions
            {
                SecretId = secretArn,
                CacheDuration = TimeSpan.FromSeconds(Math.Min(cacheSeconds, 86_400)),
                RotationOverlap = TimeSpan.FromSeconds(Math.Min(overlapSeconds, 365L * 86_400)),
            };
    }

    /// <param name="environment">Where SDSERVERLESS_RUNTIMES (or the single-runtime variables) are read.</param>
    /// <param name="registered">Servers register themselves in the pool table: a runtime may name no endpoint.</param>
    /// <param name="problems">Collects what is wrong, to be reported with the other variables' problems.</param>
    private static IReadOnlyList<RuntimeConfig> ReadRuntimes(IEnvironmentVariables environment, bool registered, List<string> problems)
    {
        var json = environment.Get(EnvironmentVariableNames.Runtimes);
        if (json is not null)
        {
            try
            {
                return RuntimeCatalog.Parse(json).Runtimes;
            }
            catch (FormatException exception)
            {
                problems.Add($"{EnvironmentVariableNames.Runtimes}: {exception.Message}");
                return [];
            }
        }

        var endpoints = environment.Get(EnvironmentVariableNames.SdWebUiEndpoints)?
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (endpoints is not { Length: > 0 } && registered)
        {
            return RuntimeCatalog.Default([]).Runtimes;
        }

        if (endpoints is not { Length: > 0 })
        {
            problems.Add($"neither {EnvironmentVariableNames.Runtimes} nor {EnvironmentVariableNames.SdWebUiEndpoints} is set");
            return [];
        }

        return RuntimeCatalog.Default(endpoints).Runtimes;
    }

    private static bool IsTableName(string name) =>
        name.Length is >= 3 and <= 255 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static bool ReadBool(IEnvironmentVariables environment, string name, List<string> problems)
    {
        var value = environment.Get(name);
        if (value is null)
        {
            return false;
        }

        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }

        problems.Add($"{name} must be true or false (got '{value}')");
        return false;
    }

    private static long ReadNumber(IEnvironmentVariables environment, string name, long defaultValue, List<string> problems)
    {
        var value = environment.Get(name);
        if (value is null)
        {
            return defaultValue;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        problems.Add($"{name} must be a non-negative whole number (got '{value}')");
        return defaultValue;
    }
}
