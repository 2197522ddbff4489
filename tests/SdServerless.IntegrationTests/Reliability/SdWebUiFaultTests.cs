using SdServerless.IntegrationTests.EndToEnd;
using static SdServerless.IntegrationTests.Reliability.ReliabilityClient;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>
/// A faulty SD Web UI (the emulator, in this process, with injected faults) behind a local host process: the
/// dispatcher retries what may pass and fails the rest cleanly, with result.json and a callback either way.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SdWebUiFaultTests
{
    [Fact]
    public async Task AServerDyingMidRequestIsRetriedAndTheTaskSucceedsWithOneSetOfOutputs()
    {
        var faults = new ScriptedFaults().Then(EmulatorFault.Abort(TimeSpan.FromMilliseconds(100)));
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Faults = faults.Next, ModelSwitchDelay = TimeSpan.Zero });
        await using var host = await LocalHostProcess.StartAsync(null, "--sdwebui", emulator.BaseUrl.ToString().TrimEnd('/'));
        using var client = new PipelineClient(host);

        await client.SubmitAsync("v1alpha2", TextToImage("dies", images: 2));
        var (final, _) = await client.WaitUntilFinishedAsync("dies", TimeSpan.FromSeconds(60));

        Assert.Equal(1, faults.Injected);
        Assert.Equal("succeeded", final["status"]!.GetValue<string>());
        Assert.Equal(2, final["attempts"]!.GetValue<int>());
        Assert.Equal(["dies-1.png", "dies-2.png", "result.json"],
            Directory.EnumerateFiles(Path.Combine(OutputRoot(host), "dies")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("Task dies attempt 1 failed, will retry: pool_unavailable", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerHangingPastTheDeadlineIsRetriedThenTheTaskFailsCleanlyWithAClearError()
    {
        var faults = new ScriptedFaults().ThenAlways(EmulatorFault.Hang(TimeSpan.FromMinutes(5)));
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Faults = faults.Next, ModelSwitchDelay = TimeSpan.Zero });
        await using var receiver = await LoopbackHttpServer.StartAsync();
        await using var host = await LocalHostProcess.StartAsync(null,
            "--sdwebui", emulator.BaseUrl.ToString().TrimEnd('/'), "--task-timeout-seconds", "2", "--max-attempts", "2",
            "--allow-private-network", "--webhook-url", receiver.Url("/hook").ToString());
        using var client = new PipelineClient(host);

        await client.SubmitAsync("v1alpha2", TextToImage("hangs"));
        var (final, _) = await client.WaitUntilFinishedAsync("hangs", TimeSpan.FromSeconds(60));

        // On a loaded machine an attempt's deadline may pass before its request reaches the server, so at least one hung.
        Assert.InRange(faults.Injected, 1, 2);
        Assert.Equal("failed", final["status"]!.GetValue<string>());
        Assert.Equal(2, final["attempts"]!.GetValue<int>());
        Assert.Equal("pool_timeout", final["error"]!["type"]!.GetValue<string>());
        var message = final["error"]!["message"]!.GetValue<string>();
        Assert.Contains("gave up after 2 attempts", message, StringComparison.Ordinal);
        Assert.Contains("deadline", message, StringComparison.Ordinal);
        Assert.Equal(["result.json"], Directory.EnumerateFiles(Path.Combine(OutputRoot(host), "hangs")).Select(Path.GetFileName));

        await WaitUntilAsync(() => !receiver.Requests.IsEmpty, TimeSpan.FromSeconds(30), () => "no callback\n" + host.Output);
        var payload = JsonNode.Parse(receiver.Requests.First().Body)!;
        Assert.False(payload["result"]!.GetValue<bool>());
        Assert.Equal(message, payload["error"]!["message"]!.GetValue<string>());
    }
}
