using SdServerless.Lambda.Composition;

namespace SdServerless.UnitTests.Lambda;

public class LambdaOptionsTests
{
    [Fact]
    public void MissingConfigurationListsEveryMissingVariableAtOnce()
    {
        var environment = new FakeEnvironmentVariables(new() { ["_HANDLER"] = "dispatcher" });

        var error = Assert.Throws<LambdaConfigurationException>(() => LambdaOptions.Load(environment));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains("SDSERVERLESS_BUCKET", error.Message);
        Assert.Contains("SDSERVERLESS_TASK_QUEUE_URL", error.Message);
        Assert.Contains("SDSERVERLESS_RUNTIMES", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bootstrap")]
    [InlineData("API")]
    public void UnknownHandlerIsAConfigurationError(string? handler)
    {
        var environment = new FakeEnvironmentVariables();
        if (handler is not null)
        {
            environment.Values["_HANDLER"] = handler;
        }

        var error = Assert.Throws<LambdaConfigurationException>(() => LambdaOptions.Load(environment));
        Assert.Contains("api, dispatcher, callback, replay", error.Message);
    }

    [Fact]
    public void RuntimesAreReadFromTheirJson()
    {
        var environment = Api();
        environment.Values["SDSERVERLESS_RUNTIMES"] =
            """{"runtimes":[{"name":"xl","type":"sdwebui","endpoints":["http://10.0.0.5:7861"],"models":["a.safetensors","b.safetensors"]}]}""";

        var settings = LambdaOptions.Load(environment);

        var runtime = Assert.Single(settings.Options.Runtimes);
        Assert.Equal("xl", runtime.Name);
        Assert.Equal(["http://10.0.0.5:7861"], runtime.Endpoints);
        Assert.Equal(["a.safetensors", "b.safetensors"], runtime.Models);
        Assert.Equal("outb", settings.Options.Bucket);
        Assert.Equal("http://127.0.0.1:5000/123456789012/tasks", settings.TaskQueueUrl);
    }

    [Fact]
    public void ThePoolTableIsReadWithItsServiceUrlAndIsOptional()
    {
        var environment = Api();
        environment.Values["SDSERVERLESS_RUNTIMES"] = """{"runtimes":[{"name":"xl","type":"sdwebui","endpoints":[],"models":["a.safetensors"]}]}""";
        Assert.Null(LambdaOptions.Load(environment).PoolTable);

        environment.Values["SDSERVERLESS_POOL_TABLE"] = "sdserverless-pool";
        environment.Values["SDSERVERLESS_DYNAMODB_SERVICE_URL"] = "http://127.0.0.1:5000";
        var settings = LambdaOptions.Load(environment);

        Assert.Equal(("sdserverless-pool", "http://127.0.0.1:5000"), (settings.PoolTable, settings.DynamoDbServiceUrl));
    }

    [Fact]
    public void EndpointsAloneMakeTheDefaultRuntime()
    {
        var environment = Api();
        environment.Values["SDSERVERLESS_SDWEBUI_ENDPOINTS"] = "http://a:7861, http://b:7861";

        var runtime = Assert.Single(LambdaOptions.Load(environment).Options.Runtimes);

        Assert.Equal("sdruntime", runtime.Name);
        Assert.Equal(["http://a:7861", "http://b:7861"], runtime.Endpoints);
    }

    [Fact]
    public void InvalidValuesAreReportedWithTheirVariable()
    {
        var environment = Api();
        environment.Values["SDSERVERLESS_RUNTIMES"] = "{not json";
        environment.Values["SDSERVERLESS_MAX_ATTEMPTS"] = "five";
        environment.Values["SDSERVERLESS_ALLOW_HTTP"] = "yes";

        var error = Assert.Throws<LambdaConfigurationException>(() => LambdaOptions.Load(environment));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("SDSERVERLESS_RUNTIMES", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("SDSERVERLESS_MAX_ATTEMPTS", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("SDSERVERLESS_ALLOW_HTTP", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("callback")]
    [InlineData("replay")]
    public void CallbackAndReplayNeedTheDeadLetterQueueAndTheSecretsArnButNoTaskQueue(string handler)
    {
        var environment = new FakeEnvironmentVariables(new() { ["_HANDLER"] = handler, ["SDSERVERLESS_BUCKET"] = "outb" });

        var error = Assert.Throws<LambdaConfigurationException>(() => LambdaOptions.Load(environment));

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains("SDSERVERLESS_CALLBACK_DLQ_URL", error.Message);
        Assert.Contains("SDSERVERLESS_WEBHOOK_SECRET_ARN", error.Message);
    }

    [Fact]
    public void TheSecretsArnAndItsTimingsAreRead()
    {
        var environment = Callback();
        environment.Values["SDSERVERLESS_WEBHOOK_SECRET_CACHE_SECONDS"] = "60";
        environment.Values["SDSERVERLESS_WEBHOOK_SECRET_ROTATION_OVERLAP_SECONDS"] = "3600";

        var secret = LambdaOptions.Load(environment).WebhookSecret!;

        Assert.Equal("arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-AbCdEf", secret.SecretId);
        Assert.Equal(TimeSpan.FromMinutes(1), secret.CacheDuration);
        Assert.Equal(TimeSpan.FromHours(1), secret.RotationOverlap);
        Assert.Equal(TimeSpan.FromMinutes(5), LambdaOptions.Load(Callback()).WebhookSecret!.CacheDuration);
    }

    [Fact]
    public void ASecretInTheEnvironmentIsRefusedWithoutRevealingIt()
    {
        var environment = Callback();
        environment.Values["SDSERVERLESS_WEBHOOK_SECRET"] = "whsec_hunter2hunter2hunter2hunter2hunter2hu";

        var error = Assert.Throws<LambdaConfigurationException>(() => LambdaOptions.Load(environment));

        Assert.StartsWith("SDSERVERLESS_WEBHOOK_SECRET is not read on Lambda", Assert.Single(error.Problems), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void ADispatcherWithAPoolTableNeedsNoEndpointsAndReadsItsDeadlines()
    {
        var environment = Dispatcher();
        environment.Values["SDSERVERLESS_POOL_TABLE"] = "sdserverless-pool";
        environment.Values["SDSERVERLESS_DYNAMODB_SERVICE_URL"] = "http://127.0.0.1:5000";
        environment.Values["SDSERVERLESS_QUEUEING_DEADLINE_SECONDS"] = "600";
        environment.Values["SDSERVERLESS_GENERATION_TIMEOUT_SECONDS"] = "120";

        var settings = LambdaOptions.Load(environment);

        Assert.Equal(("sdserverless-pool", "http://127.0.0.1:5000"), (settings.PoolTable, settings.DynamoDbServiceUrl));
        var runtime = Assert.Single(settings.Options.Runtimes);
        Assert.Equal(("sdruntime", 0), (runtime.Name, runtime.Endpoints.Count));
        Assert.Equal(TimeSpan.FromMinutes(10), settings.Options.QueueingDeadline);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.GenerationTimeout);
    }

    [Fact]
    public void WithoutAPoolTableTheDeadlinesHaveTheirDefaults()
    {
        var environment = Dispatcher();
        environment.Values["SDSERVERLESS_SDWEBUI_ENDPOINTS"] = "http://a:7861";

        var settings = LambdaOptions.Load(environment);

        Assert.Null(settings.PoolTable);
        Assert.Equal(TimeSpan.FromHours(1), settings.Options.QueueingDeadline);
        Assert.Null(settings.GenerationTimeout);
    }

    [Fact]
    public void ADispatcherWithoutAPoolTableRefusesARuntimeNoServerCouldEverServe()
    {
        var environment = Dispatcher();
        environment.Values["SDSERVERLESS_RUNTIMES"] = """{"runtimes":[{"name":"xl","endpoints":[],"models":["a.safetensors"]}]}""";

        var error = Assert.Throws<LambdaConfigurationException>(() => LambdaOptions.Load(environment));

        Assert.Contains("'xl' has no endpoints", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidPoolSettingsAreReportedTogether()
    {
        var environment = Dispatcher();
        environment.Values["SDSERVERLESS_SDWEBUI_ENDPOINTS"] = "http://a:7861";
        environment.Values["SDSERVERLESS_POOL_TABLE"] = "no spaces";
        environment.Values["SDSERVERLESS_QUEUEING_DEADLINE_SECONDS"] = "an hour";
        environment.Values["SDSERVERLESS_GENERATION_TIMEOUT_SECONDS"] = "3600";

        var error = Assert.Throws<LambdaConfigurationException>(() => LambdaOptions.Load(environment));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("SDSERVERLESS_POOL_TABLE", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("SDSERVERLESS_QUEUEING_DEADLINE_SECONDS", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("SDSERVERLESS_GENERATION_TIMEOUT_SECONDS", StringComparison.Ordinal));
    }

    private static FakeEnvironmentVariables Dispatcher()
    {
        var environment = Api();
        environment.Values["_HANDLER"] = "dispatcher";
        return environment;
    }

    private static FakeEnvironmentVariables Callback() => new(new()
    {
        ["_HANDLER"] = "callback",
        ["SDSERVERLESS_BUCKET"] = "outb",
        ["SDSERVERLESS_CALLBACK_DLQ_URL"] = "http://127.0.0.1:5000/123456789012/dlq",
        ["SDSERVERLESS_WEBHOOK_SECRET_ARN"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hook-AbCdEf",
    });

    private static FakeEnvironmentVariables Api() => new(new()
    {
        ["_HANDLER"] = "api",
        ["SDSERVERLESS_BUCKET"] = "outb",
        ["SDSERVERLESS_TASK_QUEUE_URL"] = "http://127.0.0.1:5000/123456789012/tasks",
    });
}
