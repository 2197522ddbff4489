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

    public required string Handler { get; init; }

    public required SdServerlessOptions Options { get; init; }

    public string? TaskQueueUrl { get; init; }

    public string? CallbackDeadLetterQueueUrl { get; init; }

    /// <summary>Only for tests against an S3/SQS-compatible server; null on AWS.</summary>
    public string? S3ServiceUrl { get; init; }

    public string? SqsServiceUrl { get; init; }

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

        var runtimes = needsQueueAndRuntimes ? ReadRuntimes(environment, problems) : [];

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
        };
    }

    private static IReadOnlyList<RuntimeConfig> ReadRuntimes(IEnvironmentVariables environment, List<string> problems)
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
        if (endpoints is not { Length: > 0 })
        {
            problems.Add($"neither {EnvironmentVariableNames.Runtimes} nor {EnvironmentVariableNames.SdWebUiEndpoints} is set");
            return [];
        }

        return RuntimeCatalog.Default(endpoints).Runtimes;
    }

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
