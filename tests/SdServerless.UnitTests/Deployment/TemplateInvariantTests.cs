using System.Text.Json;

namespace SdServerless.UnitTests.Deployment;

public class TemplateInvariantTests
{
    private static readonly string[] FunctionIds = ["ApiFunction", "DispatcherFunction", "CallbackFunction"];

    [Fact]
    public void TaskQueueVisibilityTimeoutIsAtLeastSixTimesTheDispatcherTimeout()
    {
        var visibility = SamTemplate.Properties("TaskQueue").GetProperty("VisibilityTimeout").GetInt32();
        var timeout = SamTemplate.Properties("DispatcherFunction").GetProperty("Timeout").GetInt32();

        Assert.True(visibility >= 6 * timeout, $"VisibilityTimeout {visibility} < 6 x dispatcher Timeout {timeout}");
    }

    [Fact]
    public void TaskQueueGivesUpOnAMessageOnlyAfterFiveReceivesAndAfterTheLastAttempt()
    {
        var redrive = SamTemplate.Properties("TaskQueue").GetProperty("RedrivePolicy");
        var maxReceiveCount = redrive.GetProperty("maxReceiveCount").GetInt32();
        var maxAttempts = SamTemplate.Root.GetProperty("Parameters").GetProperty("MaxAttempts").GetProperty("MaxValue").GetInt32();

        Assert.True(maxReceiveCount >= 5, $"maxReceiveCount {maxReceiveCount} < 5");
        // The dispatcher must see a task's last attempt to write its failed result.json before SQS dead-letters it.
        Assert.True(maxReceiveCount > maxAttempts, $"maxReceiveCount {maxReceiveCount} <= MaxAttempts' MaxValue {maxAttempts}");
        Assert.Equal("TaskDeadLetterQueue", redrive.GetProperty("deadLetterTargetArn").GetProperty("Fn::GetAtt")[0].GetString());
    }

    [Fact]
    public void DispatcherReportsBatchItemFailuresWithAMaximumConcurrencyParameter()
    {
        var sqsEvent = SamTemplate.Properties("DispatcherFunction").GetProperty("Events").GetProperty("Tasks");
        Assert.Equal("SQS", sqsEvent.GetProperty("Type").GetString());

        var properties = sqsEvent.GetProperty("Properties");
        Assert.Equal("TaskQueue", properties.GetProperty("Queue").GetProperty("Fn::GetAtt")[0].GetString());
        Assert.Equal(["ReportBatchItemFailures"], properties.GetProperty("FunctionResponseTypes").EnumerateArray().Select(t => t.GetString()));
        var concurrency = properties.GetProperty("ScalingConfig").GetProperty("MaximumConcurrency").GetProperty("Ref").GetString();
        var parameter = SamTemplate.Root.GetProperty("Parameters").GetProperty(concurrency!);
        Assert.True(parameter.GetProperty("MinValue").GetInt32() >= 2, "SQS requires a maximum concurrency of at least 2");
    }

    [Fact]
    public void CallbackRunsOnlyWhenAResultJsonIsCreatedInTheOutputBucket()
    {
        var s3Event = SamTemplate.Properties("CallbackFunction").GetProperty("Events").GetProperty("ResultCreated");
        Assert.Equal("S3", s3Event.GetProperty("Type").GetString());

        var properties = s3Event.GetProperty("Properties");
        Assert.Equal("OutputBucket", properties.GetProperty("Bucket").GetProperty("Ref").GetString());
        Assert.Equal("s3:ObjectCreated:*", properties.GetProperty("Events").GetString());
        var rule = Assert.Single(properties.GetProperty("Filter").GetProperty("S3Key").GetProperty("Rules").EnumerateArray());
        Assert.Equal("suffix", rule.GetProperty("Name").GetString());
        Assert.Equal("result.json", rule.GetProperty("Value").GetString());
    }

    [Fact]
    public void NoIamStatementAllowsEveryActionOfAServiceOrEveryResource()
    {
        var statements = FindStatements(SamTemplate.Root.GetProperty("Resources")).ToList();
        Assert.NotEmpty(statements);

        foreach (var statement in statements.Where(s => s.GetProperty("Effect").GetString() == "Allow"))
        {
            Assert.False(statement.TryGetProperty("NotAction", out _), $"NotAction in {statement}");
            Assert.False(statement.TryGetProperty("NotResource", out _), $"NotResource in {statement}");
            Assert.All(Values(statement.GetProperty("Action")), action =>
                Assert.False(action == "*" || action.EndsWith(":*", StringComparison.Ordinal), $"Action {action} in {statement}"));
            // Trust policies (with a Principal) name no Resource; every other Allow must.
            if (!statement.TryGetProperty("Principal", out _))
            {
                Assert.All(Values(statement.GetProperty("Resource")), resource => Assert.NotEqual("*", resource));
            }
        }
    }

    [Fact]
    public void FunctionPoliciesAreInlineStatementsOrResourceScopedTemplatesNeverManagedPolicies()
    {
        foreach (var id in FunctionIds)
        {
            foreach (var policy in SamTemplate.Properties(id).GetProperty("Policies").EnumerateArray())
            {
                Assert.Equal(JsonValueKind.Object, policy.ValueKind);
                var entry = Assert.Single(policy.EnumerateObject());
                if (entry.Name != "Statement")
                {
                    // A SAM policy template: it must name the one queue or bucket it grants.
                    Assert.Contains(entry.Value.EnumerateObject(), p => p.Name is "QueueName" or "BucketName");
                }
            }
        }
    }

    [Theory]
    [InlineData("ApiFunction", "s3:GetObject s3:PutObject s3:DeleteObject s3:ListBucket")]
    [InlineData("DispatcherFunction", "s3:GetObject s3:PutObject s3:ListBucket")]
    [InlineData("CallbackFunction", "s3:GetObject s3:ListBucket")]
    public void EachFunctionMayDoExactlyTheBucketActionsItsHandlerUses(string functionId, string actions)
    {
        // ListBucket makes S3 answer 404 rather than 403 for a missing key, which the handlers rely on;
        // the api deletes a task record whose message could not be queued.
        var granted = FindStatements(SamTemplate.Properties(functionId).GetProperty("Policies"))
            .SelectMany(statement => Values(statement.GetProperty("Action")))
            .Where(action => action.StartsWith("s3:", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Equal(actions.Split(' ').Order(StringComparer.Ordinal), granted);
    }

    [Fact]
    public void ThreeFunctionsRunTheOneAotBootstrapTellingThemApartByHandler()
    {
        var globals = SamTemplate.Root.GetProperty("Globals").GetProperty("Function");
        Assert.Equal("provided.al2023", globals.GetProperty("Runtime").GetString());
        Assert.Equal("Architecture", globals.GetProperty("Architectures")[0].GetProperty("Ref").GetString());
        var makefile = File.ReadAllText(RepositoryFiles.PathOf("Makefile"));

        Assert.Equal(
            ["api", "dispatcher", "callback"],
            FunctionIds.Select(id => SamTemplate.Properties(id).GetProperty("Handler").GetString()));
        foreach (var id in FunctionIds)
        {
            Assert.Equal("makefile", SamTemplate.Resource(id).GetProperty("Metadata").GetProperty("BuildMethod").GetString());
            Assert.Contains($"build-{id}", makefile, StringComparison.Ordinal);
        }

        var architecture = SamTemplate.Root.GetProperty("Parameters").GetProperty("Architecture");
        Assert.Equal(["x86_64", "arm64"], architecture.GetProperty("AllowedValues").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public void OutputBucketIsEncryptedPrivateAndExpires()
    {
        var bucket = SamTemplate.Properties("OutputBucket");

        Assert.NotEmpty(bucket.GetProperty("BucketEncryption").GetProperty("ServerSideEncryptionConfiguration").EnumerateArray());
        var block = bucket.GetProperty("PublicAccessBlockConfiguration");
        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"],
            name => Assert.True(block.GetProperty(name).GetBoolean(), name));
        var rule = Assert.Single(bucket.GetProperty("LifecycleConfiguration").GetProperty("Rules").EnumerateArray());
        Assert.Equal("OutputExpirationDays", rule.GetProperty("ExpirationInDays").GetProperty("Ref").GetString());
    }

    [Fact]
    public void EveryContractRouteIsOnTheKeyProtectedRestApi()
    {
        Assert.Equal("AWS::Serverless::Api", SamTemplate.Resource("Api").GetProperty("Type").GetString());
        Assert.True(SamTemplate.Properties("Api").GetProperty("Auth").GetProperty("ApiKeyRequired").GetBoolean());
        var routes = SamTemplate.Properties("ApiFunction").GetProperty("Events").EnumerateObject()
            .Select(e => e.Value.GetProperty("Properties"))
            .Select(p => $"{p.GetProperty("Method").GetString()!.ToUpperInvariant()} {p.GetProperty("Path").GetString()}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(["GET /v1alpha2/tasks/{id}", "POST /v1alpha1", "POST /v1alpha1/", "POST /v1alpha2", "POST /v1alpha2/"], routes);
        var usagePlanKey = SamTemplate.Properties("ApiUsagePlanKey");
        Assert.Equal("ApiKey", usagePlanKey.GetProperty("KeyId").GetProperty("Ref").GetString());
        Assert.Equal("ApiUsagePlan", usagePlanKey.GetProperty("UsagePlanId").GetProperty("Ref").GetString());
        Assert.Equal("Api", SamTemplate.Properties("ApiUsagePlan").GetProperty("ApiStages")[0].GetProperty("ApiId").GetProperty("Ref").GetString());
    }

    [Fact]
    public void OutputsNameTheApiItsKeyTheBucketAndTheQueues()
    {
        var outputs = SamTemplate.Root.GetProperty("Outputs").EnumerateObject().Select(o => o.Name).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "ApiUrl", "ApiKeyId", "OutputBucketName", "TaskQueueUrl", "TaskDeadLetterQueueUrl", "CallbackDeadLetterQueueUrl" },
            outputs);
    }

    private static IEnumerable<JsonElement> FindStatements(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "Statement")
                {
                    var statements = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray().ToList() : [property.Value];
                    foreach (var statement in statements)
                    {
                        yield return statement;
                    }
                }
                else
                {
                    foreach (var nested in FindStatements(property.Value))
                    {
                        yield return nested;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var nested in element.EnumerateArray().SelectMany(FindStatements))
            {
                yield return nested;
            }
        }
    }

    /// <summary>Literal strings of an IAM field (a string or a list); intrinsic functions are scoped by construction.</summary>
    private static IEnumerable<string> Values(JsonElement field) => field.ValueKind switch
    {
        JsonValueKind.String => [field.GetString()!],
        JsonValueKind.Array => field.EnumerateArray().SelectMany(Values),
        _ => [],
    };
}
