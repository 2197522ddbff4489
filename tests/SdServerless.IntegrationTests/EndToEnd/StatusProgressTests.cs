using System.Text.RegularExpressions;
using SdServerless.IntegrationTests.Infrastructure;

namespace SdServerless.IntegrationTests.EndToEnd;

public sealed partial class StatusProgressTests
{
    [Fact]
    public async Task TheStatusGoesFromQueuedThroughRunningToSucceeded()
    {
        // One emulated GPU whose jobs last until interrupted, so no step depends on how fast this machine is. The
        // dispatcher hands one request ahead to a busy server so the GPU never waits for a round trip: the first two
        // tasks are with the server at once ("running"), the third stays queued until the first one answers.
        await using var host = await LocalHostProcess.StartAsync(null, "--emulator-delay-ms", "600000");
        using var client = new PipelineClient(host);
        using var emulator = new HttpClient { BaseAddress = new Uri(EmulatorUrl().Match(host.Output).Groups["url"].Value), Timeout = TimeSpan.FromSeconds(30) };
        const string Body = """{"task":{"metadata":{"id":"ID","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"p","steps":2,"width":64,"height":64}}}""";

        await client.SubmitAsync("v1alpha2", Body.Replace("ID", "first", StringComparison.Ordinal));
        await client.SubmitAsync("v1alpha2", Body.Replace("ID", "second", StringComparison.Ordinal));
        await client.SubmitAsync("v1alpha2", Body.Replace("ID", "third", StringComparison.Ordinal));
        await WaitForStatusAsync(client, "first", "running");
        await WaitForStatusAsync(client, "second", "running");

        var seen = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (seen.Count == 0 || seen[^1] != "succeeded")
        {
            Assert.True(DateTime.UtcNow < deadline, $"third did not finish; statuses seen: {string.Join(", ", seen)}\n{host.Output}");
            var status = (await client.StatusAsync("third"))["status"]!.GetValue<string>();
            if (seen.Count == 0 || seen[^1] != status)
            {
                seen.Add(status);
            }

            // Ends the job on the GPU (SD Web UI answers with what it has): first, then second, then third.
            using var interrupted = await emulator.PostAsync("sdapi/v1/interrupt", null);
            await Task.Delay(100);
        }

        Assert.Equal(["queued", "running", "succeeded"], seen);
    }

    private static async Task WaitForStatusAsync(PipelineClient client, string id, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await client.StatusAsync(id))["status"]!.GetValue<string>() != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{id} never became {expected}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"SD Web UI emulator on (?<url>http://[^ ]+) with")]
    private static partial Regex EmulatorUrl();
}
