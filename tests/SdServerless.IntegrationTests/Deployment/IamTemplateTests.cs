namespace SdServerless.IntegrationTests.Deployment;

/// <summary>Least privilege as deployed: every statement, SAM's generated ones included, read after the transform.</summary>
[Trait("Category", "Integration")]
public class IamTemplateTests
{
    /// <summary>
    /// The only managed policies the stack may attach. None grants an S3, SQS, DynamoDB or Secrets Manager action:
    /// basic execution writes logs, VPC access manages network interfaces, SSM core is Session Manager's agent.
    /// (AWSLambdaSQSQueueExecutionRole, which SAM adds for an SQS event, grants SQS actions on every queue.)
    /// </summary>
    private static readonly string[] AllowedManagedPolicies =
    [
        "service-role/AWSLambdaBasicExecutionRole",
        "service-role/AWSLambdaVPCAccessExecutionRole",
        "AmazonSSMManagedInstanceCore",
    ];

    private static readonly string[] DataServices = ["s3:", "sqs:", "dynamodb:", "secretsmanager:"];

    private static CfnTemplate Template => SamTemplate.Transformed;

    [Fact]
    public void NoStatementAllowsEveryActionOfAServiceOrAnyActionOnEveryResource()
    {
        var statements = Template.AllStatements().Where(s => s.GetProperty("Effect").GetString() == "Allow").ToList();
        Assert.True(statements.Count > 10, $"only {statements.Count} statements found");

        foreach (var statement in statements)
        {
            Assert.False(statement.TryGetProperty("NotAction", out _), $"NotAction in {statement}");
            Assert.False(statement.TryGetProperty("NotResource", out _), $"NotResource in {statement}");
            Assert.All(CfnTemplate.Values(statement.GetProperty("Action")), action =>
                Assert.False(action is "*" || action?.EndsWith(":*", StringComparison.Ordinal) == true, $"Action {action} in {statement}"));
            // Trust policies (with a Principal) name no Resource; every other Allow must.
            if (!statement.TryGetProperty("Principal", out _))
            {
                Assert.All(CfnTemplate.Values(statement.GetProperty("Resource")), resource => Assert.NotEqual("*", resource));
            }
        }
    }

    [Fact]
    public void NoStatementGrantsAnS3SqsDynamoDbOrSecretsManagerActionOnAWildcardResource()
    {
        var dataStatements = Template.AllStatements()
            .Where(s => s.GetProperty("Effect").GetString() == "Allow" && !s.TryGetProperty("Principal", out _))
            .Where(s => CfnTemplate.Values(s.GetProperty("Action")).Any(a => a is not null && DataServices.Any(d => a.StartsWith(d, StringComparison.Ordinal))))
            .ToList();
        Assert.NotEmpty(dataStatements);

        Assert.All(dataStatements, statement => Assert.All(ResourceTexts(statement.GetProperty("Resource")), resource =>
            Assert.False(IsWildcard(resource), $"{resource} in {statement}")));
        Assert.True(IsWildcard("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*"));
        Assert.True(IsWildcard("arn:aws:s3:::*"));
        Assert.False(IsWildcard("${OutputBucket.Arn}/*"));
        Assert.False(IsWildcard("${OutputBucket.Arn}/_sdserverless/callback-dead-letters/*"));
    }

    /// <summary>
    /// A resource that names no one thing: "*", or an ARN with a "*" part, except the objects ("/*") of one named
    /// S3 bucket.
    /// </summary>
    private static bool IsWildcard(string resource)
    {
        var parts = resource.Split(':', '/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] != "*")
            {
                continue;
            }

            var objectsOfOneBucket = i == parts.Length - 1 && i > 0 && parts[i - 1] is not ("" or "*")
                && resource[resource.Length - 2] == '/'
                && (resource.Contains(":s3:::", StringComparison.Ordinal) || resource.StartsWith("${", StringComparison.Ordinal));
            if (!objectsOfOneBucket)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text of each resource: literal strings and Fn::Sub templates (Ref and GetAtt name one resource).</summary>
    private static IEnumerable<string> ResourceTexts(JsonElement field) => field.ValueKind switch
    {
        JsonValueKind.String => [field.GetString()!],
        JsonValueKind.Array => field.EnumerateArray().SelectMany(ResourceTexts),
        JsonValueKind.Object when field.TryGetProperty("Fn::Sub", out var sub) =>
            [sub.ValueKind == JsonValueKind.Array ? sub[0].GetString()! : sub.GetString()!],
        _ => [],
    };

    [Fact]
    public void ManagedPoliciesAreOnlyThoseThatGrantNoDataAction()
    {
        var attached = Template.Root.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.TryGetProperty("Properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("ManagedPolicyArns", out _))
            .SelectMany(r => r.Value.GetProperty("Properties").GetProperty("ManagedPolicyArns").EnumerateArray().Select(a => (Role: r.Name, Arn: a.GetRawText())))
            .ToList();
        Assert.NotEmpty(attached);

        Assert.All(attached, policy => Assert.True(
            AllowedManagedPolicies.Any(name => policy.Arn.Contains($":iam::aws:policy/{name}\"", StringComparison.Ordinal)),
            $"{policy.Role} attaches {policy.Arn}"));
        Assert.Empty(Template.ResourcesOfType("AWS::IAM::ManagedPolicy"));
    }

    [Theory]
    [InlineData("ApiFunction", "s3:DeleteObject s3:GetObject s3:ListBucket s3:PutObject")]
    [InlineData("DispatcherFunction", "s3:GetObject s3:ListBucket s3:PutObject")]
    [InlineData("CallbackFunction", "s3:GetObject s3:ListBucket s3:PutObject")]
    [InlineData("CallbackReplayFunction", "s3:DeleteObject s3:GetObject s3:ListBucket s3:PutObject")]
    public void EachFunctionMayDoExactlyTheBucketActionsItsHandlerUsesOnTheOutputBucketOnly(string functionId, string actions)
    {
        // ListBucket makes S3 answer 404 rather than 403 for a missing key, which the handlers rely on;
        // the api deletes a task record whose message could not be queued; GetObject presigns image URLs; the callback
        // keeps an oversized dead letter's body in the bucket and the replay deletes it once delivered (the replay also
        // runs the callback's failed events again, which may keep a body of their own).
        var statements = Template.RoleStatements(RoleOf(functionId))
            .Where(s => CfnTemplate.Values(s.GetProperty("Action")).Any(a => a?.StartsWith("s3:", StringComparison.Ordinal) == true))
            .ToList();

        Assert.Equal(actions.Split(' '), statements.SelectMany(s => CfnTemplate.Values(s.GetProperty("Action"))).Order(StringComparer.Ordinal));
        Assert.All(statements, s => Assert.Equal("OutputBucket", BucketOf(s.GetProperty("Resource"))));
    }

    [Theory]
    [InlineData("CallbackFunction", "s3:PutObject")]
    [InlineData("CallbackReplayFunction", "s3:DeleteObject")]
    [InlineData("CallbackReplayFunction", "s3:PutObject")]
    public void TheCallbackWritesAndTheReplayDeletesOnlyTheBodiesOfOversizedDeadLetters(string functionId, string action)
    {
        var statement = Assert.Single(
            Template.RoleStatements(RoleOf(functionId)), s => CfnTemplate.Values(s.GetProperty("Action")).Contains(action));

        Assert.Equal(["${OutputBucket.Arn}/_sdserverless/callback-dead-letters/*"], ResourceTexts(statement.GetProperty("Resource")));
    }

    [Fact]
    public void NoFunctionEnvironmentHoldsTheWebhookSecretOnlyTheArnOfTheSecretThatDoes()
    {
        foreach (var id in TemplateInvariantTests.FunctionIds)
        {
            var environment = TemplateInvariantTests.Environment(id);
            var text = environment.GetRawText();
            Assert.DoesNotContain("resolve:secretsmanager", text, StringComparison.Ordinal);
            Assert.DoesNotContain("WebhookSecret\"", text, StringComparison.Ordinal);
            Assert.All(environment.EnumerateObject().Where(v => v.Name.Contains("SECRET", StringComparison.Ordinal)), variable =>
            {
                Assert.Equal("SDSERVERLESS_WEBHOOK_SECRET_ARN", variable.Name);
                Assert.Equal("WebhookSigningSecret", CfnTemplate.Target(variable.Value));
            });
        }

        Assert.Equal("AWS::SecretsManager::Secret", Template.Resource("WebhookSigningSecret").GetProperty("Type").GetString());
        // The user's own secret goes into the stack's secret; otherwise one is generated there.
        Assert.Contains("WebhookSecret", Template.Properties("WebhookSigningSecret").GetProperty("SecretString").GetRawText(), StringComparison.Ordinal);
        Assert.Equal(
            ["CallbackFunction", "CallbackReplayFunction"],
            TemplateInvariantTests.FunctionIds.Where(id => TemplateInvariantTests.Environment(id).TryGetProperty("SDSERVERLESS_WEBHOOK_SECRET_ARN", out _)));
    }

    [Fact]
    public void TheSdWebUiCredentialsStayInTheirSecretWhichOnlyTheDispatcherMayRead()
    {
        var runtimes = TemplateInvariantTests.Environment("DispatcherFunction").GetProperty("SDSERVERLESS_RUNTIMES").GetRawText();
        Assert.Contains("api_auth_secret", runtimes, StringComparison.Ordinal);
        Assert.Contains("\"HasApiAuthSecret\"", runtimes, StringComparison.Ordinal);
        Assert.DoesNotContain("\"api_auth\"", runtimes.Replace("\\\"", "\"", StringComparison.Ordinal), StringComparison.Ordinal);

        var readers = TemplateInvariantTests.FunctionIds.Where(id => Template.RoleStatements(RoleOf(id))
            .Any(s => CfnTemplate.Target(s.GetProperty("Resource")) == "SdWebUiApiAuthSecretArn")).ToList();
        Assert.Equal(["DispatcherFunction"], readers);
        Assert.Contains("HasApiAuthSecret", Template.Properties(RoleOf("DispatcherFunction")).GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CallbackFunction", "secretsmanager:GetSecretValue", "WebhookSigningSecret")]
    [InlineData("CallbackReplayFunction", "secretsmanager:GetSecretValue", "WebhookSigningSecret")]
    [InlineData("CallbackReplayFunction", "sqs:ChangeMessageVisibility sqs:DeleteMessage sqs:GetQueueAttributes sqs:ReceiveMessage sqs:SendMessage", "CallbackDeadLetterQueue CallbackEventDeadLetterQueue")]
    [InlineData("CallbackFunction", "sqs:SendMessage", "CallbackDeadLetterQueue CallbackEventDeadLetterQueue")]
    [InlineData("DispatcherFunction", "dynamodb:DeleteItem dynamodb:GetItem dynamodb:PutItem dynamodb:Query dynamodb:UpdateItem", "PoolTable")]
    [InlineData("DispatcherFunction", "secretsmanager:GetSecretValue", "SdWebUiApiAuthSecretArn")]
    [InlineData("DispatcherFunction", "sqs:ChangeMessageVisibility sqs:DeleteMessage sqs:GetQueueAttributes sqs:ReceiveMessage sqs:SendMessage", "TaskQueue")]
    [InlineData("ApiFunction", "sqs:GetQueueAttributes sqs:SendMessage", "TaskQueue")]
    [InlineData("ApiFunction", "dynamodb:Query dynamodb:UpdateItem", "PoolTable")]
    public void EachFunctionMayUseExactlyTheQueuesTableAndSecretItsHandlerNeeds(string functionId, string actions, string resources)
    {
        var service = actions[..(actions.IndexOf(':', StringComparison.Ordinal) + 1)];
        var statements = Template.RoleStatements(RoleOf(functionId))
            .Where(s => CfnTemplate.Values(s.GetProperty("Action")).Any(a => a?.StartsWith(service, StringComparison.Ordinal) == true))
            .ToList();

        Assert.Equal(actions.Split(' '), statements.SelectMany(s => CfnTemplate.Values(s.GetProperty("Action"))).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(resources.Split(' '), statements.Select(s => CfnTemplate.Target(s.GetProperty("Resource"))).Distinct().Order(StringComparer.Ordinal));
    }

    internal static string RoleOf(string functionId) => CfnTemplate.Target(Template.Properties(functionId).GetProperty("Role"))!;

    /// <summary>The bucket a resource names: GetAtt X.Arn or a Sub of "${X.Arn}/*".</summary>
    private static string? BucketOf(JsonElement resource) =>
        CfnTemplate.Target(resource)
        ?? (resource.TryGetProperty("Fn::Sub", out var sub) && sub.ValueKind == JsonValueKind.String && sub.GetString()!.StartsWith("${", StringComparison.Ordinal)
            ? sub.GetString()![2..sub.GetString()!.IndexOf('.', StringComparison.Ordinal)]
            : null);
}
