namespace SdServerless.IntegrationTests.Deployment;

/// <summary>The GPU pool as deployed: registry table, instances that join it, scaling on the whole backlog.</summary>
[Trait("Category", "Integration")]
public class GpuPoolTemplateTests
{
    private static CfnTemplate Template => SamTemplate.Transformed;

    [Fact]
    public void ThePoolRegistryIsAnOnDemandTableKeyedByRuntimeWhoseEntriesExpire()
    {
        var table = Template.Properties("PoolTable");

        Assert.Equal("PAY_PER_REQUEST", table.GetProperty("BillingMode").GetString());
        Assert.Equal(
            ["runtime HASH", "sk RANGE"],
            table.GetProperty("KeySchema").EnumerateArray().Select(k => $"{k.GetProperty("AttributeName").GetString()} {k.GetProperty("KeyType").GetString()}"));
        Assert.All(table.GetProperty("AttributeDefinitions").EnumerateArray(), a => Assert.Equal("S", a.GetProperty("AttributeType").GetString()));
        var ttl = table.GetProperty("TimeToLiveSpecification");
        Assert.Equal("expires_at", ttl.GetProperty("AttributeName").GetString());
        Assert.True(ttl.GetProperty("Enabled").GetBoolean());
        Assert.Equal("PoolTable", CfnTemplate.Target(TemplateInvariantTests.Environment("DispatcherFunction").GetProperty("SDSERVERLESS_POOL_TABLE")));
    }

    [Fact]
    public void NoLoadBalancerStandsInFrontOfThePool()
    {
        var types = Template.Root.GetProperty("Resources").EnumerateObject().Select(r => r.Value.GetProperty("Type").GetString()!);

        Assert.DoesNotContain(types, t => t.StartsWith("AWS::ElasticLoadBalancing", StringComparison.Ordinal));
        var group = Template.Properties("GpuAutoScalingGroup");
        Assert.False(group.TryGetProperty("TargetGroupARNs", out _));
        Assert.Equal("EC2", group.GetProperty("HealthCheckType").GetString());
        Assert.Equal("0", group.GetProperty("MinSize").GetString());
    }

    [Fact]
    public void InstancesAreCreatedOnlyWithoutFixedEndpointsWhichBecomeTheRuntimesEndpoints()
    {
        var conditions = SamTemplate.Source.Root.GetProperty("Conditions");
        Assert.Contains("HasFixedEndpoints", conditions.GetProperty("CreateGpuPool").GetRawText(), StringComparison.Ordinal);
        // GpuMaxInstances=0: no instances, servers join by themselves (an EKS sidecar, a server of yours).
        Assert.Contains("WantsInstances", conditions.GetProperty("CreateGpuPool").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("GpuMaxInstances", conditions.GetProperty("WantsInstances").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("SdWebUiEndpoints", conditions.GetProperty("HasFixedEndpoints").GetRawText(), StringComparison.Ordinal);
        Assert.All(
            ["GpuLaunchTemplate", "GpuAutoScalingGroup", "GpuInstanceRole", "GpuBacklogTargetTracking", "GpuWaitingForCapacityAlarm", "GpuScaleToZeroAlarm"],
            id => Assert.Equal("CreateGpuPool", Template.Resource(id).GetProperty("Condition").GetString()));

        var runtimes = TemplateInvariantTests.Environment("DispatcherFunction").GetProperty("SDSERVERLESS_RUNTIMES").GetRawText();
        Assert.Contains("\\\"endpoints\\\":${Endpoints}", runtimes, StringComparison.Ordinal);
        Assert.Contains("\"HasFixedEndpoints\"", runtimes, StringComparison.Ordinal);
        Assert.Contains("\"SdWebUiEndpoints\"", runtimes, StringComparison.Ordinal);
        Assert.Contains("\\\"queue_url\\\":\\\"${TaskQueue}\\\"", runtimes, StringComparison.Ordinal);
    }

    [Fact]
    public void InstancesSyncTheCheckpointsAndStartSdWebUiOnThemWithoutDownloadsThenJoinThroughPoolNode()
    {
        var userData = UserData();
        var start = userData.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));

        Assert.Contains("pool-node.sh --table ${PoolTable} --runtime ${RuntimeName} --model-location ${ModelLocation} --model-dir $state/checkpoints", start, StringComparison.Ordinal);
        Assert.Contains(
            "-- $webui/webui.sh --api --nowebui --port 7861 --listen --no-download-sd-model --ckpt-dir $state/checkpoints",
            start,
            StringComparison.Ordinal);
        Assert.Contains("--auto-scaling-group ${AWS::StackName}-gpu-pool --lifecycle-hook drain", start, StringComparison.Ordinal);
        // The server never fetches URLs itself: the dispatcher sends every input as base64.
        Assert.Contains("config[\"api_enable_requests\"] = False", userData, StringComparison.Ordinal);
        Assert.Contains("--ui-settings-file $state/sdwebui-config.json", start, StringComparison.Ordinal);
        Assert.Contains("sdwebui-install.sh", userData, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNodeScriptsAreTheRepositorysOwnCopyPackagedAsALayerTheInstancesMayFetch()
    {
        var makefile = File.ReadAllText(RepositoryFiles.PathOf("Makefile"));
        var layer = Assert.Single(Template.ResourcesOfType("AWS::Lambda::LayerVersion"));

        Assert.Contains("build-PoolNodeScripts:\n\tcp scripts/pool-node.sh scripts/sdwebui-install.sh $(ARTIFACTS_DIR)/", makefile, StringComparison.Ordinal);
        Assert.Contains($"\"Ref\": \"{layer.LogicalId}\"", UserDataSubstitutions(), StringComparison.Ordinal);
        Assert.Contains(InstanceStatements(), s =>
            CfnTemplate.Values(s.GetProperty("Action")).Contains("lambda:GetLayerVersion") && CfnTemplate.Target(s.GetProperty("Resource")) == layer.LogicalId);
    }

    [Fact]
    public void TheInstanceRoleReadsTheModelLocationAndWritesOnlyItsOwnRuntimesEntries()
    {
        var statements = InstanceStatements();

        var read = Assert.Single(statements, s => CfnTemplate.Values(s.GetProperty("Action")).Contains("s3:GetObject"));
        Assert.Contains("ModelLocation", read.GetProperty("Resource").GetRawText(), StringComparison.Ordinal);
        var list = Assert.Single(statements, s => CfnTemplate.Values(s.GetProperty("Action")).Contains("s3:ListBucket"));
        Assert.Contains("ModelLocation", list.GetProperty("Resource").GetRawText(), StringComparison.Ordinal);

        var registry = Assert.Single(statements, s => CfnTemplate.Values(s.GetProperty("Action")).Any(a => a?.StartsWith("dynamodb:", StringComparison.Ordinal) == true));
        Assert.Equal("PoolTable", CfnTemplate.Target(registry.GetProperty("Resource")));
        Assert.DoesNotContain("dynamodb:GetItem", CfnTemplate.Values(registry.GetProperty("Action")));
        var leadingKeys = registry.GetProperty("Condition").GetProperty("ForAllValues:StringEquals").GetProperty("dynamodb:LeadingKeys");
        Assert.Equal("RuntimeName", CfnTemplate.Target(Assert.Single(leadingKeys.EnumerateArray())));

        var ingress = Assert.Single(Template.Properties("GpuInstanceSecurityGroup").GetProperty("SecurityGroupIngress").EnumerateArray());
        Assert.Equal(7861, ingress.GetProperty("FromPort").GetInt32());
        Assert.Equal("DispatcherSecurityGroup", CfnTemplate.Target(ingress.GetProperty("SourceSecurityGroupId")));
    }

    [Fact]
    public void TargetTrackingKeepsTheWholeBacklogPerRegisteredGpu()
    {
        var policy = Template.Properties("GpuBacklogTargetTracking");
        Assert.Equal("TargetTrackingScaling", policy.GetProperty("PolicyType").GetString());
        var metrics = policy.GetProperty("TargetTrackingConfiguration").GetProperty("CustomizedMetricSpecification").GetProperty("Metrics");

        var names = MetricNamesById(metrics);
        Assert.Equal("ApproximateNumberOfMessagesVisible", names["visible"]);
        Assert.Equal("ApproximateNumberOfMessagesNotVisible", names["inflight"]);
        // Tasks waiting for capacity sit in the queue as delayed messages.
        Assert.Equal("ApproximateNumberOfMessagesDelayed", names["delayed"]);
        Assert.Equal("RegisteredGpus", names["gpus"]);
        var gpus = metrics.EnumerateArray().Single(m => m.GetProperty("Id").GetString() == "gpus").GetProperty("MetricStat").GetProperty("Metric");
        Assert.Equal("SdServerless/${AWS::StackName}", gpus.GetProperty("Namespace").GetProperty("Fn::Sub").GetString());
        Assert.Equal("Runtime", gpus.GetProperty("Dimensions")[0].GetProperty("Name").GetString());
        var returned = Assert.Single(metrics.EnumerateArray(), m => m.GetProperty("ReturnData").GetBoolean());
        Assert.Equal("(visible + inflight + delayed) / gpus", returned.GetProperty("Expression").GetString());
    }

    [Fact]
    public void TasksWaitingForCapacityAddAGpuWithinTensOfSecondsAndAnIdleQueueScalesToZero()
    {
        var waiting = Template.Properties("GpuWaitingForCapacityAlarm");
        Assert.Equal("WaitingForCapacity", waiting.GetProperty("MetricName").GetString());
        Assert.Equal(10, waiting.GetProperty("Period").GetInt32());
        Assert.Equal(1, waiting.GetProperty("EvaluationPeriods").GetInt32());
        Assert.Equal("Sum", waiting.GetProperty("Statistic").GetString());
        Assert.Equal("GpuScaleOutPolicy", CfnTemplate.Target(waiting.GetProperty("AlarmActions")[0]));
        var scaleOut = Template.Properties("GpuScaleOutPolicy");
        Assert.Equal("ChangeInCapacity", scaleOut.GetProperty("AdjustmentType").GetString());
        Assert.Equal(1, scaleOut.GetProperty("StepAdjustments")[0].GetProperty("ScalingAdjustment").GetInt32());

        var toZero = Template.Properties("GpuScaleToZeroAlarm");
        Assert.Equal("GpuScaleToZeroPolicy", CfnTemplate.Target(toZero.GetProperty("AlarmActions")[0]));
        Assert.Equal("ScaleToZeroMinutes", CfnTemplate.Target(toZero.GetProperty("EvaluationPeriods")));
        Assert.Equal(
            ["ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesVisible"],
            MetricNamesById(toZero.GetProperty("Metrics")).Values.Order());
        var scaleIn = Template.Properties("GpuScaleToZeroPolicy");
        Assert.Equal("ExactCapacity", scaleIn.GetProperty("AdjustmentType").GetString());
        Assert.Equal(0, scaleIn.GetProperty("StepAdjustments")[0].GetProperty("ScalingAdjustment").GetInt32());
    }

    [Fact]
    public void AnInstanceChosenForScaleInWaitsOnTheDrainHookLongerThanATaskMayRun()
    {
        var group = Template.Properties("GpuAutoScalingGroup");
        var hook = Assert.Single(group.GetProperty("LifecycleHookSpecificationList").EnumerateArray());

        Assert.Equal("drain", hook.GetProperty("LifecycleHookName").GetString());
        Assert.Equal("autoscaling:EC2_INSTANCE_TERMINATING", hook.GetProperty("LifecycleTransition").GetString());
        Assert.True(hook.GetProperty("HeartbeatTimeout").GetInt32() > Template.Properties("DispatcherFunction").GetProperty("Timeout").GetInt32());
        Assert.Equal("${AWS::StackName}-gpu-pool", group.GetProperty("AutoScalingGroupName").GetProperty("Fn::Sub").GetString());
        var complete = Assert.Single(InstanceStatements(), s => CfnTemplate.Values(s.GetProperty("Action")).Contains("autoscaling:CompleteLifecycleAction"));
        Assert.EndsWith("autoScalingGroupName/${AWS::StackName}-gpu-pool", complete.GetProperty("Resource").GetProperty("Fn::Sub").GetString(), StringComparison.Ordinal);
    }

    private static List<JsonElement> InstanceStatements() => Template.RoleStatements("GpuInstanceRole").ToList();

    private static JsonElement UserDataSub() =>
        Template.Properties("GpuLaunchTemplate").GetProperty("LaunchTemplateData").GetProperty("UserData").GetProperty("Fn::Base64").GetProperty("Fn::Sub");

    private static string UserData() => UserDataSub()[0].GetString()!;

    private static string UserDataSubstitutions() => UserDataSub()[1].GetRawText();

    private static Dictionary<string, string> MetricNamesById(JsonElement metrics) =>
        metrics.EnumerateArray()
            .Where(m => m.TryGetProperty("MetricStat", out _))
            .ToDictionary(
                m => m.GetProperty("Id").GetString()!,
                m => m.GetProperty("MetricStat").GetProperty("Metric").GetProperty("MetricName").GetString()!);
}
