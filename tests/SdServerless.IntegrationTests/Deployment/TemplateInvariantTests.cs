namespace SdServerless.IntegrationTests.Deployment;

/// <summary>What the deployed stack does with tasks: queues, event sources, routes, the bucket. Read after the SAM transform.</summary>
[Trait("Category", "Integration")]
public class TemplateInvariantTests
{
    internal static readonly string[] FunctionIds = ["ApiFunction", "DispatcherFunction", "CallbackFunction", "CallbackReplayFunction"];

    private static CfnTemplate Template => SamTemplate.Transformed;

    [Fact]
    public void TaskQueueVisibilityTimeoutIsAtLeastSixTimesTheDispatcherTimeout()
    {
        var visibility = Template.Properties("TaskQueue").GetProperty("VisibilityTimeout").GetInt32();
        var timeout = Template.Properties("DispatcherFunction").GetProperty("Timeout").GetInt32();

        Assert.True(visibility >= 6 * timeout, $"VisibilityTimeout {visibility} < 6 x dispatcher Timeout {timeout}");
    }

    [Fact]
    public void TaskQueueGivesUpOnAMessageOnlyAfterFiveReceivesAndAfterTheLastAttempt()
    {
        var redrive = Template.Properties("TaskQueue").GetProperty("RedrivePolicy");
        var maxReceiveCount = redrive.GetProperty("maxReceiveCount").GetInt32();
        var maxAttempts = Template.Parameters.GetProperty("MaxAttempts").GetProperty("MaxValue").GetInt32();

        Assert.True(maxReceiveCount >= 5, $"maxReceiveCount {maxReceiveCount} < 5");
        // The dispatcher must see a task's last attempt to write its failed result.json before SQS dead-letters it.
        Assert.True(maxReceiveCount > maxAttempts, $"maxReceiveCount {maxReceiveCount} <= MaxAttempts' MaxValue {maxAttempts}");
        Assert.Equal("TaskDeadLetterQueue", CfnTemplate.Target(redrive.GetProperty("deadLetterTargetArn")));
    }

    [Fact]
    public void TheDispatcherAloneConsumesTheTaskQueueReportingBatchItemFailuresUnderAMaximumConcurrency()
    {
        var mapping = Assert.Single(Template.ResourcesOfType("AWS::Lambda::EventSourceMapping")).Resource.GetProperty("Properties");

        Assert.Equal("TaskQueue", CfnTemplate.Target(mapping.GetProperty("EventSourceArn")));
        Assert.Equal("DispatcherFunction", CfnTemplate.Target(mapping.GetProperty("FunctionName")));
        Assert.Equal(["ReportBatchItemFailures"], mapping.GetProperty("FunctionResponseTypes").EnumerateArray().Select(t => t.GetString()));
        var concurrency = CfnTemplate.Target(mapping.GetProperty("ScalingConfig").GetProperty("MaximumConcurrency"));
        Assert.True(Template.Parameters.GetProperty(concurrency!).GetProperty("MinValue").GetInt32() >= 2, "SQS requires a maximum concurrency of at least 2");
        var gpus = int.Parse(Template.Parameters.GetProperty("GpuMaxInstances").GetProperty("Default").ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var invocations = int.Parse(Template.Parameters.GetProperty(concurrency!).GetProperty("Default").ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(invocations >= 3 * gpus, $"{invocations} dispatcher invocations for {gpus} GPUs: each GPU's running and queued slot and a task waiting for the next need 3 per GPU");
        Assert.Equal("DispatcherBatchSize", CfnTemplate.Target(mapping.GetProperty("BatchSize")));
    }

    [Fact]
    public void CallbackRunsOnlyWhenAResultJsonIsCreatedInTheOutputBucket()
    {
        var notification = Assert.Single(
            Template.Properties("OutputBucket").GetProperty("NotificationConfiguration").GetProperty("LambdaConfigurations").EnumerateArray());

        Assert.Equal("CallbackFunction", CfnTemplate.Target(notification.GetProperty("Function")));
        Assert.Equal("s3:ObjectCreated:*", notification.GetProperty("Event").GetString());
        var rule = Assert.Single(notification.GetProperty("Filter").GetProperty("S3Key").GetProperty("Rules").EnumerateArray());
        Assert.Equal("suffix", rule.GetProperty("Name").GetString());
        Assert.Equal("result.json", rule.GetProperty("Value").GetString());
    }

    [Fact]
    public void TheCallbacksFailedEventsLandWhereTheReplayReadsThem()
    {
        Assert.Equal("CallbackEventDeadLetterQueue", CfnTemplate.Target(Template.Properties("CallbackFunction").GetProperty("DeadLetterConfig").GetProperty("TargetArn")));
        Assert.Equal("CallbackEventDeadLetterQueue", CfnTemplate.Target(Environment("CallbackReplayFunction").GetProperty("SDSERVERLESS_CALLBACK_EVENT_DLQ_URL")));
        Assert.Contains(Template.RoleStatements(IamTemplateTests.RoleOf("CallbackReplayFunction")), statement =>
            CfnTemplate.Target(statement.GetProperty("Resource")) == "CallbackEventDeadLetterQueue"
            && CfnTemplate.Values(statement.GetProperty("Action")).Contains("sqs:DeleteMessage"));
    }

    [Fact]
    public void FourFunctionsRunTheOneAotBootstrapTellingThemApartByHandler()
    {
        var makefile = File.ReadAllText(RepositoryFiles.PathOf("Makefile"));

        Assert.Equal(["api", "dispatcher", "callback", "replay"], FunctionIds.Select(id => Template.Properties(id).GetProperty("Handler").GetString()));
        Assert.Equal(FunctionIds.Order(), Template.ResourcesOfType("AWS::Lambda::Function").Select(f => f.LogicalId).Order());
        foreach (var id in FunctionIds)
        {
            var function = Template.Properties(id);
            Assert.Equal("provided.al2023", function.GetProperty("Runtime").GetString());
            Assert.Equal("Architecture", CfnTemplate.Target(function.GetProperty("Architectures")[0]));
            Assert.Equal("makefile", Template.Resource(id).GetProperty("Metadata").GetProperty("BuildMethod").GetString());
            Assert.Contains($"build-{id}", makefile, StringComparison.Ordinal);
        }

        var architecture = Template.Parameters.GetProperty("Architecture");
        Assert.Equal(["x86_64", "arm64"], architecture.GetProperty("AllowedValues").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public void OutputBucketIsEncryptedPrivateExpiresAndIsNamedAfterTheStackSoARedeployNeverCollides()
    {
        var bucket = Template.Properties("OutputBucket");

        Assert.NotEmpty(bucket.GetProperty("BucketEncryption").GetProperty("ServerSideEncryptionConfiguration").EnumerateArray());
        var block = bucket.GetProperty("PublicAccessBlockConfiguration");
        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"],
            name => Assert.True(block.GetProperty(name).GetBoolean(), name));
        var rule = Assert.Single(bucket.GetProperty("LifecycleConfiguration").GetProperty("Rules").EnumerateArray());
        Assert.Equal("OutputExpirationDays", CfnTemplate.Target(rule.GetProperty("ExpirationInDays")));

        // sam delete keeps the bucket (Retain): the next stack's bucket must get another name.
        Assert.Equal("Retain", Template.Resource("OutputBucket").GetProperty("DeletionPolicy").GetString());
        var name = bucket.GetProperty("BucketName");
        Assert.Equal("HasBucketName", name.GetProperty("Fn::If")[0].GetString());
        Assert.Contains("\"Ref\":\"AWS::StackId\"", name.GetProperty("Fn::If")[2].GetRawText().Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        // Every function is told the same name the bucket gets.
        Assert.All(TemplateInvariantTests.FunctionIds, id => Assert.Equal(
            name.GetRawText(),
            Template.Properties(id).GetProperty("Environment").GetProperty("Variables").GetProperty("SDSERVERLESS_BUCKET").GetRawText()));
    }

    [Fact]
    public void EachRouteIsOnePathOnTheKeyProtectedRestApiWithNoTrailingSlashTwin()
    {
        var paths = Template.Properties("Api").GetProperty("Body").GetProperty("paths");
        var routes = paths.EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => (Path: path.Name, Method: method.Name, Operation: method.Value)))
            .ToList();

        Assert.Equal(
            ["DELETE /v1alpha2/tasks/{id}", "GET /v1alpha2/tasks", "GET /v1alpha2/tasks/{id}", "POST /v1alpha1", "POST /v1alpha2", "POST /v1alpha2/tasks/{id}/cancel"],
            routes.Select(r => $"{r.Method.ToUpperInvariant()} {r.Path}").Order(StringComparer.Ordinal));
        // API Gateway REST treats /x and /x/ as one resource: declaring both fails the deployment.
        var normalized = paths.EnumerateObject().Select(p => p.Name.TrimEnd('/')).ToList();
        Assert.Equal(normalized.Count, normalized.Distinct(StringComparer.Ordinal).Count());
        Assert.All(routes, r => Assert.Equal("api_key", Assert.Single(r.Operation.GetProperty("security")[0].EnumerateObject()).Name));

        var usagePlanKey = Template.Properties("ApiUsagePlanKey");
        Assert.Equal("ApiKey", CfnTemplate.Target(usagePlanKey.GetProperty("KeyId")));
        Assert.Equal("ApiUsagePlan", CfnTemplate.Target(usagePlanKey.GetProperty("UsagePlanId")));
        Assert.Equal("Api", CfnTemplate.Target(Template.Properties("ApiUsagePlan").GetProperty("ApiStages")[0].GetProperty("ApiId")));
    }

    [Fact]
    public void OutputsNameTheApiItsKeyTheBucketTheQueuesTheReplayFunctionAndThePoolTable()
    {
        var outputs = Template.Root.GetProperty("Outputs").EnumerateObject().Select(o => o.Name).ToHashSet();

        Assert.Superset(
            new HashSet<string>
            {
                "ApiUrl", "ApiKeyId", "OutputBucketName", "TaskQueueUrl", "TaskDeadLetterQueueUrl", "CallbackDeadLetterQueueUrl",
                "CallbackReplayFunctionName", "WebhookSecretArn", "PoolTableName", "DashboardUrl",
            },
            outputs);
    }

    internal static JsonElement Environment(string functionId) =>
        Template.Properties(functionId).GetProperty("Environment").GetProperty("Variables");
}
