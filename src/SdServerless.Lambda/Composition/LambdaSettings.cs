using System.Globalization;
using SdServerless.Core.Configuration;
using SdServerless.Core.Runtimes;
using SdServerless.Core.Webhooks;
using SdServerless.Lambda.Bootstrap;

namespace SdServerless.Lambda.Composition;

/// <summary>Everything the function reads from its environment, bound and checked once at start.</summary>
public sealed class LambdaSettings
{
    /// <summary>A week: a task that waited longer for a GPU is no longer wanted (and the bound keeps TimeSpan in range).</summary>
    private const long MaxQueueingDeadlineSeconds = 7 * 24 * 3600;

    private const long MaxGenerationSeconds = 900;

    public required string Handler { get; init; }

    public required SdServerlessOptions Options { get; init; }

    public string? TaskQueueUrl { get; init; }

    public string? CallbackDeadLetterQueueUrl { get; init; }

    /// <summary>Only for tests against an S3/SQS-compatible server; null on AWS.</summary>
    public string? S3ServiceUrl { get; init; }

    public string? SqsServiceUrl { get; init; }

    /// <summary>The pool registry's DynamoDB table (dispatcher); null: the configured endpoints, in the function's memory.</summary>
    public string? PoolTable { get; init; }

    /// <summary>Only for tests against a DynamoDB-compatible server; null on AWS.</summary>
    public string? DynamoDbServiceUrl { get; init; }

    /// <summary>How long one generation may run from the lease of its slot; null: until the invocation's deadline.</summary>
    public TimeSpan? GenerationTimeout { get; init; }

    /// <summary>Reads the variables the handler needs and reports every missing or invalid one together.</summary>
    public static LambdaSettings Load(IEnvironmentVariables environment)
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
        var callbackDlq = handler == HandlerNames.Callback ? Require(EnvironmentVariableNames.CallbackDeadLetterQueueUrl) : null;
        var webhookSecret = handler == HandlerNames.Callback ? Require(EnvironmentVariableNames.WebhookSecret) : null;
        if (webhookSecret is not null && !WebhookSecret.TryParse(webhookSecret, out _, out var secretError))
        {
            // The message says what is wrong with the secret, never the secret itself.
            problems.Add($"{EnvironmentVariableNames.WebhookSecret} is not a whsec_ secret: {secretError}");
        }

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
            WebhookSecret = webhookSecret,
        };

        if (problems.Count > 0)
        {
            throw new LambdaConfigurationException(problems);
        }

        return new LambdaSettings
        {
            Handler = handler,
            Options = options,
            TaskQueueUrl = taskQueueUrl,
            CallbackDeadLetterQueueUrl = callbackDlq,
            S3ServiceUrl = environment.Get(EnvironmentVariableNames.S3ServiceUrl),
            SqsServiceUrl = environment.Get(EnvironmentVariableNames.SqsServiceUrl),
            PoolTable = poolTable,
            DynamoDbServiceUrl = environment.Get(EnvironmentVariableNames.DynamoDbServiceUrl),
            GenerationTimeout = generationSeconds > 0 ? TimeSpan.FromSeconds(generationSeconds) : null,
        };
    }

    /// <param name="registered">Servers register themselves in the pool table: a runtime may name no endpoint.</param>
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
