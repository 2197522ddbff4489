using System.Text.RegularExpressions;

namespace SdServerless.IntegrationTests.EndToEnd;

[Trait("Category", "Integration")]
public sealed partial class StatusProgressTests
{
    [Fact]
    public async Task TheStatusGoesFromQueuedThroughRunningToSucceeded()
    {
        // One emulated GPU whose jobs last until interrupted, so no step depends on how fast this machine is. The
        // dispatcher hands one request ahead to a busy server so the GPU never waits for a round trip: two of the three
        // tasks are with the server at once ("running"), the other stays queued until the first one answers. Which two
        // is a race between the dispatcher's workers (each receives one message), so the test finds the waiting one.
        await using var host = await LocalHostProcess.StartAsync(null, "--emulator-delay-ms", "600000");
        using var client = new PipelineClient(host);
        using var emulator = new HttpClient { BaseAddress = new Uri(EmulatorUrl().Match(host.Output).Groups["url"].Value), Timeout = TimeSpan.FromSeconds(30) };
        const string Body = """{"task":{"metadata":{"id":"ID","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"p","steps":2,"width":64,"height":64}}}""";
        string[] ids = ["first", "second", "third"];
        foreach (var id in ids)
        {
            await client.SubmitAsync("v1alpha2", Body.Replace("ID", id, StringComparison.Ordinal));
        }

        var waiting = await WaitForTwoRunningAsync(client, ids, host);

        // Each poll ends the job on the GPU (SD Web UI answers with what it has), one task after the other.
        var (_, seen) = await client.WaitUntilFinishedAsync(waiting, TimeSpan.FromSeconds(90), async () =>
        {
            using var interrupted = await emulator.PostAsync("sdapi/v1/interrupt", null);
        });

        Assert.Equal(["queued", "running", "succeeded"], seen);
        foreach (var id in ids)
        {
            Assert.Equal("succeeded", await StatusAsync(client, id));
        }
    }

    /// <summary>Waits until two tasks are running and the third is queued; returns the queued one.</summary>
    private static async Task<string> WaitForTwoRunningAsync(PipelineClient client, string[] ids, LocalHostProcess host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var statuses = new Dictionary<string, string>();
            foreach (var id in ids)
            {
                statuses[id] = await StatusAsync(client, id);
            }

            var running = statuses.Count(s => s.Value == "running");
            Assert.True(running <= 2, $"more than two tasks running on one GPU: {string.Join(", ", statuses)}");
            if (running == 2)
            {
                var queued = Assert.Single(statuses, s => s.Value != "running");
                Assert.Equal("queued", queued.Value);
                return queued.Key;
            }

            Assert.True(DateTime.UtcNow < deadline, $"two tasks never became running: {string.Join(", ", statuses)}\n{host.Output}");
            await Task.Delay(50);
        }
    }

    private static async Task<string> StatusAsync(PipelineClient client, string id) =>
        (await client.StatusAsync(id))["status"]!.GetValue<string>();

    [GeneratedRegex(@"SD Web UI emulator on (?<url>http://[^ ]+) with")]
    private static partial Regex EmulatorUrl();
}
