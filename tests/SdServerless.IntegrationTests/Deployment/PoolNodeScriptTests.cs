using System.Text.RegularExpressions;

namespace SdServerless.IntegrationTests.Deployment;

/// <summary>
/// scripts/pool-node.sh, the script every GPU server runs to join the pool, driven end to end with stand-ins for the
/// AWS CLI, SD Web UI and the EC2 metadata service.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class PoolNodeScriptTests
{
    [Fact]
    public async Task SyncsStartsWaitsRegistersHeartbeatsAndDeregistersInThatOrder()
    {
        await using var node = PoolNodeRun.Start();
        await node.WaitUntilAsync(calls => calls.Count(c => IsAws(c, "dynamodb", "update-item")) >= 2, "two heartbeats");

        Assert.Equal(0, await node.TerminateAsync());
        var calls = node.Calls;
        var sync = Index(calls, c => IsAws(c, "s3", "sync"), "s3 sync");
        var started = Index(calls, c => c.StartsWith("webui started", StringComparison.Ordinal), "webui.sh start");
        var answered = Index(calls, c => c == "curl sd-models answered", "SD Web UI answering");
        var registered = Index(calls, c => IsAws(c, "dynamodb", "put-item"), "put-item");
        var heartbeat = Index(calls, c => IsAws(c, "dynamodb", "update-item"), "update-item");
        var deregistered = Index(calls, c => IsAws(c, "dynamodb", "delete-item"), "delete-item");
        var stopped = Index(calls, c => c == "webui stopped", "webui.sh stop");
        Assert.True(
            sync < started && started < answered && answered < registered && registered < heartbeat && heartbeat < deregistered && deregistered < stopped,
            $"calls out of order:\n{string.Join('\n', calls)}");
        Assert.Contains(calls.Take(answered), c => c == "curl sd-models refused");
        Assert.Single(calls, c => IsAws(c, "dynamodb", "put-item"));

        var syncArguments = Arguments(calls[sync]);
        Assert.Equal(["s3://sdserverless-models/checkpoints/", node.ModelDirectory], syncArguments.SkipWhile(a => a != "sync").Skip(1).Take(2));
        Assert.Contains("--no-download-sd-model", calls[started], StringComparison.Ordinal);

        var key = $$$"""{"runtime":{"S":"{{{PoolNodeRun.Runtime}}}"},"sk":{"S":"server#{{{PoolNodeRun.Url}}}"}}""";
        Assert.All(calls.Where(c => IsAws(c, "dynamodb", "update-item") || IsAws(c, "dynamodb", "delete-item")), call =>
        {
            Assert.Equal(PoolNodeRun.Table, Option(call, "--table-name"));
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(key).RootElement, JsonDocument.Parse(Option(call, "--key")).RootElement), call);
        });
        Assert.Contains("attribute_exists(sk)", Option(calls[heartbeat], "--condition-expression"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForAServerStartedWithApiAuthItReadsTheSecretAndGivesCurlTheCredentialsOffItsCommandLine()
    {
        const string Secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:sdwebui-auth";
        await using var node = PoolNodeRun.Start(extraArguments: ["--api-auth-secret", Secret]);
        await node.WaitUntilAsync(calls => calls.Any(c => IsAws(c, "dynamodb", "put-item")), "registration");

        var calls = node.Calls;
        var read = Index(calls, c => IsAws(c, "secretsmanager", "get-secret-value"), "the secret read");
        Assert.Equal(Secret, Option(calls[read], "--secret-id"));
        var configs = calls.Where(c => c.StartsWith("curl config ", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Equal(["curl config user = \"pool:s3\\\"cr\\\\et\""], configs);
        Assert.True(read < calls.ToList().FindIndex(c => c.StartsWith("curl config ", StringComparison.Ordinal)), "curl ran before the secret was read");
        Assert.All(calls.Where(c => c.StartsWith("curl argv ", StringComparison.Ordinal)), c => Assert.DoesNotContain("s3\"cr", c, StringComparison.Ordinal));
        Assert.Contains(calls, c => c == "curl sd-models answered");
    }

    [Fact]
    public async Task TheServerEntryHasExactlyTheAttributesAndTypesOfThePoolLayout()
    {
        await using var node = PoolNodeRun.Start();
        await node.WaitUntilAsync(calls => calls.Any(c => IsAws(c, "dynamodb", "put-item")), "registration");
        var item = JsonDocument.Parse(Option(node.Calls.First(c => IsAws(c, "dynamodb", "put-item")), "--item")).RootElement;

        var expected = DocumentedServerAttributes();
        var written = item.EnumerateObject().ToDictionary(a => a.Name, a => Assert.Single(a.Value.EnumerateObject()).Name);
        Assert.Equal(expected.OrderBy(a => a.Key), written.OrderBy(a => a.Key));

        Assert.Equal(PoolNodeRun.Runtime, item.GetProperty("runtime").GetProperty("S").GetString());
        Assert.Equal($"server#{PoolNodeRun.Url}", item.GetProperty("sk").GetProperty("S").GetString());
        Assert.Equal(PoolNodeRun.Url, item.GetProperty("url").GetProperty("S").GetString());
        Assert.Equal("1", item.GetProperty("gpus").GetProperty("N").GetString());
        Assert.Equal(PoolNodeRun.InstanceId, item.GetProperty("instance_id").GetProperty("S").GetString());
        Assert.Equal("model.safetensors [6ce0161689]", item.GetProperty("loaded_model").GetProperty("S").GetString());
        Assert.Equal(["model.safetensors [6ce0161689]"], item.GetProperty("models").GetProperty("L").EnumerateArray().Select(m => m.GetProperty("S").GetString()));
        Assert.Contains("sd_model_checkpoint", item.GetProperty("option_keys").GetProperty("L").EnumerateArray().Select(k => k.GetProperty("S").GetString()));
        long Seconds(string name) => long.Parse(item.GetProperty(name).GetProperty("N").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(Seconds("registered_at"), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 120, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(Seconds("registered_at"), Seconds("heartbeat_at"));
        Assert.Equal(Seconds("heartbeat_at") + 600, Seconds("expires_at"));
        Assert.Equal(0, await node.TerminateAsync());
    }

    [Fact]
    public async Task AServerJoinsOnlyOnceACheckpointIsOnDiskEvenWhenSdWebUiAnswersEarlier()
    {
        await using var node = PoolNodeRun.Start(syncModels: false);
        await node.WaitUntilAsync(calls => calls.Count(c => c == "curl sd-models answered") >= 3, "SD Web UI answering while the folder is empty");
        Assert.DoesNotContain(node.Calls, c => IsAws(c, "dynamodb", "put-item") || IsAws(c, "s3", "sync"));

        Directory.CreateDirectory(node.ModelDirectory);
        await File.WriteAllTextAsync(Path.Combine(node.ModelDirectory, "model.safetensors"), "weights");
        await node.WaitUntilAsync(calls => calls.Any(c => IsAws(c, "dynamodb", "put-item")), "registration once the checkpoint is there");
        Assert.Equal(0, await node.TerminateAsync());
    }

    [Fact]
    public async Task AServerWhoseEntryWasRemovedJoinsAgainAtItsNextHeartbeat()
    {
        await using var node = PoolNodeRun.Start();
        await node.WaitUntilAsync(calls => calls.Any(c => IsAws(c, "dynamodb", "put-item")), "registration");

        node.Set("entry-gone");
        await node.WaitUntilAsync(calls => calls.Count(c => IsAws(c, "dynamodb", "put-item")) == 2, "registration again");
        Assert.Equal(0, await node.TerminateAsync());
    }

    [Fact]
    public async Task OnTheTerminationHookItLeavesThePoolWaitsForLiveLeasesThenCompletesTheAction()
    {
        await using var node = PoolNodeRun.Start(syncModels: true, switches: null, "--auto-scaling-group", "sdserverless-gpu-pool", "--lifecycle-hook", "drain");
        await node.WaitUntilAsync(calls => calls.Any(c => IsAws(c, "dynamodb", "put-item")), "registration");

        node.Set("leases", "2");
        node.Set("terminating");
        await node.WaitUntilAsync(calls => calls.Any(c => IsAws(c, "autoscaling", "complete-lifecycle-action")), "completing the lifecycle action");

        var calls = node.Calls;
        var deregistered = Index(calls, c => IsAws(c, "dynamodb", "delete-item"), "delete-item");
        var completed = Index(calls, c => IsAws(c, "autoscaling", "complete-lifecycle-action"), "complete-lifecycle-action");
        var queries = calls.Select((c, i) => (c, i)).Where(x => IsAws(x.c, "dynamodb", "query")).Select(x => x.i).ToList();
        // Two answers with live leases, then none: the action waits for all three.
        Assert.Equal(3, queries.Count);
        Assert.All(queries, i => Assert.InRange(i, deregistered + 1, completed - 1));
        Assert.Contains($"lease#{PoolNodeRun.Url}#", Option(calls[queries[0]], "--expression-attribute-values"), StringComparison.Ordinal);
        Assert.Equal("CONTINUE", Option(calls[completed], "--lifecycle-action-result"));
        Assert.Equal("drain", Option(calls[completed], "--lifecycle-hook-name"));
        Assert.Equal("sdserverless-gpu-pool", Option(calls[completed], "--auto-scaling-group-name"));
        Assert.Equal(PoolNodeRun.InstanceId, Option(calls[completed], "--instance-id"));
        Assert.DoesNotContain(calls.Skip(deregistered), c => IsAws(c, "dynamodb", "update-item") || IsAws(c, "dynamodb", "put-item"));

        Assert.Equal(0, await node.TerminateAsync());
        Assert.Single(node.Calls, c => IsAws(c, "dynamodb", "delete-item"));
    }

    [Fact]
    public async Task AServerRestartedAfterItWasChosenForTerminationNeverJoinsAgain()
    {
        await using var node = PoolNodeRun.Start(syncModels: true, ["terminating"], "--auto-scaling-group", "sdserverless-gpu-pool", "--lifecycle-hook", "drain");
        await node.WaitUntilAsync(calls => calls.Any(c => IsAws(c, "autoscaling", "complete-lifecycle-action")), "completing the lifecycle action");

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(node.Calls, c => IsAws(c, "dynamodb", "put-item") || IsAws(c, "dynamodb", "update-item"));
        Assert.Equal(0, await node.TerminateAsync());
    }

    /// <summary>The server row of docs/pool.md's table, plus its two keys: attribute name → DynamoDB type (S, N, L).</summary>
    private static Dictionary<string, string> DocumentedServerAttributes()
    {
        var row = File.ReadLines(Path.Combine(BuildOutput.Root, "docs", "pool.md")).Single(l => l.StartsWith("| server |", StringComparison.Ordinal));
        var attributes = DocumentedAttribute().Matches(row).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value);
        Assert.True(attributes.Count >= 5, $"no attributes read from: {row}");
        attributes["runtime"] = "S";
        attributes["sk"] = "S";
        return attributes;
    }

    private static bool IsAws(string call, string service, string operation)
    {
        var arguments = Arguments(call);
        return arguments[0] == "aws" && arguments.SkipWhile(a => a != service).Skip(1).FirstOrDefault() == operation;
    }

    private static string[] Arguments(string call) => call.Split('\t');

    private static string Option(string call, string name)
    {
        var arguments = Arguments(call);
        var at = Array.IndexOf(arguments, name);
        return at >= 0 && at + 1 < arguments.Length ? arguments[at + 1] : throw new Xunit.Sdk.XunitException($"no {name} in {call}");
    }

    private static int Index(IReadOnlyList<string> calls, Func<string, bool> match, string what)
    {
        for (var i = 0; i < calls.Count; i++)
        {
            if (match(calls[i]))
            {
                return i;
            }
        }

        throw new Xunit.Sdk.XunitException($"no {what} among the calls:\n{string.Join('\n', calls)}");
    }

    [GeneratedRegex(@"`(?<name>[a-z_]+)` \((?<type>S|N|L)\b")]
    private static partial Regex DocumentedAttribute();
}
