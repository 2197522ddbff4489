using System.Globalization;
using System.Text.Json;
using SdServerless.Core.Configuration;
using SdServerless.Core.Json;
using SdServerless.Core.Runtimes;
using SdServerless.Lambda.Bootstrap;

namespace SdServerless.Lambda.Composition;

/// <summary>Everything the function reads from its environment, bound and checked once at start.</summary>
public sealed class LambdaSettings
{
    public required string Handler { get; init; }

    public required SdServerlessOptions Options { get; init; }

    public string? TaskQueueUrl { get; init; }

    public string? CallbackDeadLetterQueueUrl { get; init; }

    /// <summary>Only for tests against an S3/SQS-compatible server; null on AWS.</summary>
    public string? S3ServiceUrl { get; init; }

    public string? SqsServiceUrl { get; init; }

    /// <summary>The default runtime when only SD Web UI endpoints are configured (CONTRACT §6's default).</summary>
    public const string DefaultRuntimeName = "sdruntime";

    public const string DefaultModel = "v1-5-pruned-emaonly.safetensors";

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
        var runtimes = needsQueueAndRuntimes ? ReadRuntimes(environment, problems) : [];

        var options = new SdServerlessOptions
        {
            Bucket = bucket ?? "",
            Runtimes = runtimes,
            AllowHttp = ReadBool(environment, EnvironmentVariableNames.AllowHttp, problems),
            AllowPrivateNetwork = ReadBool(environment, EnvironmentVariableNames.AllowPrivateNetwork, problems),
            QueueDepthLimit = ReadNumber(environment, EnvironmentVariableNames.QueueDepthLimit, 0, problems),
            MaxAttempts = (int)ReadNumber(environment, EnvironmentVariableNames.MaxAttempts, 5, problems),
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
                var settings = JsonSerializer.Deserialize(json, CoreJsonContext.Default.RuntimeSettings);
                if (settings is { Runtimes.Count: > 0 })
                {
                    return settings.Runtimes;
                }

                problems.Add($"{EnvironmentVariableNames.Runtimes} names no runtime");
            }
            catch (JsonException exception)
            {
                problems.Add($"{EnvironmentVariableNames.Runtimes} is not valid runtime JSON: {exception.Message}");
            }

            return [];
        }

        var endpoints = environment.Get(EnvironmentVariableNames.SdWebUiEndpoints)?
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (endpoints is not { Length: > 0 })
        {
            problems.Add($"neither {EnvironmentVariableNames.Runtimes} nor {EnvironmentVariableNames.SdWebUiEndpoints} is set");
            return [];
        }

        return [new RuntimeConfig { Name = DefaultRuntimeName, Endpoints = endpoints, Models = [DefaultModel] }];
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
