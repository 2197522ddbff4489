using System.Text.Json;

namespace SdServerless.UnitTests.Deployment;

public class GpuPoolTemplateTests
{
    [Fact]
    public void PoolIsCreatedOnlyWithoutAnExistingEndpoint()
    {
        var condition = SamTemplate.Root.GetProperty("Conditions").GetProperty("CreateGpuPool").GetRawText();
        var noEndpoint = SamTemplate.Root.GetProperty("Conditions").GetProperty("NoEndpointGiven").GetRawText();

        Assert.Contains("NoEndpointGiven", condition, StringComparison.Ordinal);
        Assert.Contains("SdWebUiEndpoint", noEndpoint, StringComparison.Ordinal);
        Assert.All(
            ["GpuLaunchTemplate", "GpuAutoScalingGroup", "GpuLoadBalancer", "GpuBacklogTargetTracking", "GpuScaleFromZeroAlarm", "GpuScaleToZeroAlarm"],
            id => Assert.Equal("CreateGpuPool", SamTemplate.Resource(id).GetProperty("Condition").GetString()));
    }

    [Fact]
    public void InstancesRunSdWebUiAsAnApiServerBehindAnInternalLoadBalancer()
    {
        var userData = SamTemplate.Properties("GpuLaunchTemplate").GetProperty("LaunchTemplateData").GetProperty("UserData").GetRawText();
        Assert.Contains("--api --nowebui --port 7861 --listen", userData, StringComparison.Ordinal);

        Assert.Equal("internal", SamTemplate.Properties("GpuLoadBalancer").GetProperty("Scheme").GetString());
        var targets = SamTemplate.Properties("GpuTargetGroup");
        Assert.Equal(7861, targets.GetProperty("Port").GetInt32());
        Assert.Equal("/sdapi/v1/progress", targets.GetProperty("HealthCheckPath").GetString());
        Assert.Equal("0", SamTemplate.Properties("GpuAutoScalingGroup").GetProperty("MinSize").GetString());
    }

    [Fact]
    public void TargetTrackingKeepsTheBacklogPerInServiceInstance()
    {
        var policy = SamTemplate.Properties("GpuBacklogTargetTracking");
        Assert.Equal("TargetTrackingScaling", policy.GetProperty("PolicyType").GetString());
        var metrics = policy.GetProperty("TargetTrackingConfiguration").GetProperty("CustomizedMetricSpecification").GetProperty("Metrics");

        var names = MetricNamesById(metrics);
        Assert.Equal("ApproximateNumberOfMessagesVisible", names["visible"]);
        Assert.Equal("GroupInServiceInstances", names["inservice"]);
        var returned = Assert.Single(metrics.EnumerateArray(), m => m.GetProperty("ReturnData").GetBoolean());
        Assert.Equal("visible / inservice", returned.GetProperty("Expression").GetString());
    }

    [Fact]
    public void StepPoliciesScaleFromZeroWhenTasksWaitAndToZeroWhenTheQueueStaysEmpty()
    {
        var fromZero = SamTemplate.Properties("GpuScaleFromZeroAlarm");
        Assert.Equal("GpuScaleFromZeroPolicy", fromZero.GetProperty("AlarmActions")[0].GetProperty("Ref").GetString());
        Assert.Equal(
            "IF(visible > 0 AND inservice == 0, 1, 0)",
            Assert.Single(fromZero.GetProperty("Metrics").EnumerateArray(), m => m.GetProperty("ReturnData").GetBoolean()).GetProperty("Expression").GetString());
        Assert.Equal("GroupInServiceInstances", MetricNamesById(fromZero.GetProperty("Metrics"))["inservice"]);
        var scaleOut = SamTemplate.Properties("GpuScaleFromZeroPolicy");
        Assert.Equal("StepScaling", scaleOut.GetProperty("PolicyType").GetString());
        Assert.Equal(1, scaleOut.GetProperty("StepAdjustments")[0].GetProperty("ScalingAdjustment").GetInt32());

        var toZero = SamTemplate.Properties("GpuScaleToZeroAlarm");
        Assert.Equal("GpuScaleToZeroPolicy", toZero.GetProperty("AlarmActions")[0].GetProperty("Ref").GetString());
        Assert.Equal("ScaleToZeroMinutes", toZero.GetProperty("EvaluationPeriods").GetProperty("Ref").GetString());
        var idleMetrics = MetricNamesById(toZero.GetProperty("Metrics"));
        Assert.Equal(["ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesVisible"], idleMetrics.Values.Order());
        var scaleIn = SamTemplate.Properties("GpuScaleToZeroPolicy");
        Assert.Equal("ExactCapacity", scaleIn.GetProperty("AdjustmentType").GetString());
        Assert.Equal(0, scaleIn.GetProperty("StepAdjustments")[0].GetProperty("ScalingAdjustment").GetInt32());
    }

    private static Dictionary<string, string> MetricNamesById(JsonElement metrics) =>
        metrics.EnumerateArray()
            .Where(m => m.TryGetProperty("MetricStat", out _))
            .ToDictionary(
                m => m.GetProperty("Id").GetString()!,
                m => m.GetProperty("MetricStat").GetProperty("Metric").GetProperty("MetricName").GetString()!);
}
