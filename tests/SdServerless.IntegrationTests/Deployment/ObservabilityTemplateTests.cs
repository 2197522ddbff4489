using System.Text.RegularExpressions;
using SdServerless.Lambda.Telemetry;

namespace SdServerless.IntegrationTests.Deployment;

/// <summary>Log retention, alarms and the dashboard, as deployed (read after the SAM transform).</summary>
[Trait("Category", "Integration")]
public partial class ObservabilityTemplateTests
{
    /// <summary>
    /// The metrics the code emits in the stack's namespace: the task metrics of <see cref="EmfTaskMetrics"/> and the
    /// dispatcher's pool metrics (WaitingForCapacity at 1-second resolution, RegisteredGpus and LeasedSlots gauges).
    /// </summary>
    private static readonly string[] EmittedMetrics =
    [
        EmfTaskMetrics.QueueWait, EmfTaskMetrics.InferenceTime, EmfTaskMetrics.Attempts, EmfTaskMetrics.Failures, EmfTaskMetrics.Completed,
        "WaitingForCapacity", "RegisteredGpus", "LeasedSlots",
    ];

    private static CfnTemplate Template => SamTemplate.Transformed;

    [Fact]
    public void EveryFunctionLogsToItsOwnGroupWithARetention()
    {
        var groups = TemplateInvariantTests.FunctionIds
            .Select(id => CfnTemplate.Target(Template.Properties(id).GetProperty("LoggingConfig").GetProperty("LogGroup")))
            .ToList();

        Assert.Equal(groups.Count, groups.Distinct().Count());
        Assert.All(groups, group =>
        {
            var properties = Template.Properties(group!);
            Assert.Equal("AWS::Logs::LogGroup", Template.Resource(group!).GetProperty("Type").GetString());
            Assert.Equal("LogRetentionDays", CfnTemplate.Target(properties.GetProperty("RetentionInDays")));
        });
        Assert.All(TemplateInvariantTests.FunctionIds, id =>
            Assert.Equal("LogLevel", CfnTemplate.Target(Template.Properties(id).GetProperty("LoggingConfig").GetProperty("ApplicationLogLevel"))));
    }

    [Fact]
    public void EveryDeadLetterQueueAlarmsOnItsFirstMessage()
    {
        var deadLetterQueues = DeadLetterQueues();
        Assert.Equal(["CallbackDeadLetterQueue", "CallbackEventDeadLetterQueue", "TaskDeadLetterQueue"], deadLetterQueues.Order(StringComparer.Ordinal));

        foreach (var queue in deadLetterQueues)
        {
            Assert.Contains(Alarms(), alarm =>
                alarm.GetProperty("Namespace").GetString() == "AWS/SQS"
                && alarm.GetProperty("MetricName").GetString() == "ApproximateNumberOfMessagesVisible"
                && CfnTemplate.Target(alarm.GetProperty("Dimensions")[0].GetProperty("Value")) == queue
                && alarm.GetProperty("ComparisonOperator").GetString() == "GreaterThanThreshold"
                && alarm.GetProperty("Threshold").GetDouble() == 0
                && CfnTemplate.Target(alarm.GetProperty("AlarmActions")[0]) == "AlarmTopic");
        }
    }

    [Fact]
    public void EveryFunctionAlarmsOnErrorsAndThrottlesAndTheTaskQueueOnItsOldestMessage()
    {
        foreach (var id in TemplateInvariantTests.FunctionIds)
        {
            foreach (var metric in (string[])["Errors", "Throttles"])
            {
                Assert.Contains(Alarms(), alarm =>
                    alarm.GetProperty("Namespace").GetString() == "AWS/Lambda" && alarm.GetProperty("MetricName").GetString() == metric
                    && CfnTemplate.Target(alarm.GetProperty("Dimensions")[0].GetProperty("Value")) == id
                    && CfnTemplate.Target(alarm.GetProperty("AlarmActions")[0]) == "AlarmTopic");
            }
        }

        Assert.Contains(Alarms(), alarm =>
            alarm.GetProperty("MetricName").GetString() == "ApproximateAgeOfOldestMessage"
            && CfnTemplate.Target(alarm.GetProperty("Dimensions")[0].GetProperty("Value")) == "TaskQueue");
        Assert.Equal("HasAlarmEmail", Template.Resource("AlarmEmailSubscription").GetProperty("Condition").GetString());
    }

    [Fact]
    public void TheDashboardAndTheScalingAlarmsReadOnlyMetricsTheCodeEmits()
    {
        var dashboard = Template.Properties("Dashboard").GetProperty("DashboardBody").GetProperty("Fn::Sub").GetString()!;
        using var body = JsonDocument.Parse(Placeholder().Replace(dashboard, "x"));
        var ownNamespace = body.RootElement.GetProperty("widgets").EnumerateArray()
            .Where(w => w.GetProperty("type").GetString() == "metric")
            .SelectMany(w => w.GetProperty("properties").GetProperty("metrics").EnumerateArray())
            .Select(m => m.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList())
            .ToList();
        var names = new List<string>();
        var lastNamespace = "";
        foreach (var metric in ownNamespace.Where(m => m.Count >= 2))
        {
            lastNamespace = metric[0] == "." ? lastNamespace : metric[0];
            if (lastNamespace == "SdServerless/x")
            {
                names.Add(metric[1]);
            }
        }

        Assert.Superset(
            new HashSet<string> { "RegisteredGpus", "LeasedSlots", "WaitingForCapacity", "QueueWait", "InferenceTime", "Failures", "TasksCompleted" },
            names.ToHashSet());
        Assert.All(names, name => Assert.Contains(name, EmittedMetrics));
        Assert.Contains("p99", dashboard, StringComparison.Ordinal);
        Assert.Contains("stats count(*) as failed by errorType", dashboard, StringComparison.Ordinal);

        var scaling = Template.Properties("GpuBacklogTargetTracking").GetRawText() + Template.Properties("GpuWaitingForCapacityAlarm").GetRawText();
        Assert.All(MetricName().Matches(scaling).Select(m => m.Groups[1].Value).Where(n => !n.StartsWith("Approximate", StringComparison.Ordinal)),
            name => Assert.Contains(name, EmittedMetrics));
    }

    /// <summary>Alarms on one AWS metric (not metric math, not the stack's own namespace).</summary>
    private static IEnumerable<JsonElement> Alarms() =>
        Template.ResourcesOfType("AWS::CloudWatch::Alarm")
            .Select(a => a.Resource.GetProperty("Properties"))
            .Where(p => p.TryGetProperty("Namespace", out var ns) && ns.ValueKind == JsonValueKind.String);

    /// <summary>Queues named as a dead-letter target anywhere: redrive policies, function DLQs, the callback's own DLQ.</summary>
    private static List<string> DeadLetterQueues()
    {
        var queues = Template.ResourcesOfType("AWS::SQS::Queue")
            .Where(q => q.Resource.GetProperty("Properties").TryGetProperty("RedrivePolicy", out _))
            .Select(q => CfnTemplate.Target(q.Resource.GetProperty("Properties").GetProperty("RedrivePolicy").GetProperty("deadLetterTargetArn"))!);
        var functionQueues = Template.ResourcesOfType("AWS::Lambda::Function")
            .Where(f => f.Resource.GetProperty("Properties").TryGetProperty("DeadLetterConfig", out _))
            .Select(f => CfnTemplate.Target(f.Resource.GetProperty("Properties").GetProperty("DeadLetterConfig").GetProperty("TargetArn"))!);
        var deliveryQueues = TemplateInvariantTests.FunctionIds
            .Select(TemplateInvariantTests.Environment)
            .Where(e => e.TryGetProperty("SDSERVERLESS_CALLBACK_DLQ_URL", out _))
            .Select(e => CfnTemplate.Target(e.GetProperty("SDSERVERLESS_CALLBACK_DLQ_URL"))!);
        return queues.Concat(functionQueues).Concat(deliveryQueues).Distinct().ToList();
    }

    [GeneratedRegex(@"\$\{[^}]+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("\"MetricName\":\\s*\"([A-Za-z]+)\"")]
    private static partial Regex MetricName();
}
