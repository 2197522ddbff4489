using Xunit.Abstractions;
using static SdServerless.IntegrationTests.Reliability.ReliabilityClient;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>
/// SIGKILL of the local host while tasks are queued, running and waiting for their callbacks, then a restart on the
/// same data directory: everything accepted finishes exactly once and every callback arrives.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int TaskCount = 50;
    private const int ImagesPerTask = 2;

    [Fact]
    public async Task AHostKilledMidRunAndRestartedFinishesEveryTaskOnceAndDeliversEveryCallback()
    {
        // A slow receiver: results are written faster than callbacks go out, so the kill finds callbacks still pending.
        await using var receiver = await LoopbackHttpServer.StartAsync();
        receiver.Handler = async (_, context) =>
        {
            await Task.Delay(150);
            context.Response.StatusCode = 200;
        };
        var data = Directory.CreateTempSubdirectory("sdserverless-crash-").FullName;
        string[] args =
        [
            "--allow-private-network", "--emulator-workers", "2", "--emulator-delay-ms", "40",
            "--webhook-url", receiver.Url("/hook").ToString(),
        ];
        var ids = Enumerable.Range(0, TaskCount).Select(i => $"crash-{i:D2}").ToList();

        int resultsAtKill, webhooksAtKill;
        string firstOutput;
        await using (var first = await LocalHostProcess.StartAsync(data, args))
        {
            using var http = first.CreateClient();
            var submitted = await SubmitAllAsync(http, ids.Select(id => (id, TextToImage(id, ImagesPerTask))).ToList(), concurrency: 10);
            Assert.All(submitted, s => Assert.True(s.Status == HttpStatusCode.OK, $"{s.Id}: {(int)s.Status} {s.Body}"));

            await WaitUntilAsync(() => CountResults(data) >= 10, TimeSpan.FromSeconds(60), () => "no results\n" + first.Output);
            await first.KillAsync();
            resultsAtKill = CountResults(data);
            webhooksAtKill = receiver.Requests.Count;
            firstOutput = first.Output;
        }

        output.WriteLine($"at the kill: {resultsAtKill} of {TaskCount} results written, {webhooksAtKill} webhooks received");
        Assert.True(resultsAtKill < TaskCount, "the kill came too late: every task had finished");
        Assert.True(webhooksAtKill < resultsAtKill, "the kill found no callback pending");

        await using var second = await LocalHostProcess.StartAsync(data, args);
        await WaitUntilAsync(
            () => receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct().Count() >= TaskCount,
            TimeSpan.FromSeconds(90),
            () => $"{CountResults(data)} results, {receiver.Requests.Count} webhooks\n{second.Output}");

        using var client = second.CreateClient();
        var statuses = await StatusesAsync(client, ids);
        foreach (var id in ids)
        {
            Assert.Equal("succeeded", statuses[id]["status"]!.GetValue<string>());
            var expected = Enumerable.Range(1, ImagesPerTask).Select(n => $"{id}-{n}.png").Append("result.json").Order(StringComparer.Ordinal);
            var actual = Directory.EnumerateFileSystemEntries(Path.Combine(OutputRoot(second), id)).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
            Assert.Equal(
                Enumerable.Range(1, ImagesPerTask).Select(n => $"s3://outputbucket/output/{id}/{id}-{n}.png"),
                statuses[id]["images"]!.AsArray().Select(i => i!.GetValue<string>()));
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), Directory.EnumerateDirectories(OutputRoot(second)).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Every callback, before and after the crash, verifies with the one secret the host generated and kept.
        var secretFile = Path.Combine(data, "webhook-secret");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
        }

        var secretText = File.ReadAllText(secretFile).Trim();
        var verifier = new WebhookVerifier(WebhookSecret.Parse(secretText));
        var webhooks = receiver.Requests.ToList();
        foreach (var webhook in webhooks)
        {
            Assert.Equal(WebhookVerification.Valid, verifier.Verify(webhook.Headers["webhook-id"], webhook.Headers["webhook-timestamp"], webhook.Headers["webhook-signature"], webhook.Body));
        }

        // Duplicates are allowed (at-least-once) but carry the same webhook-id for the same task.
        var byId = webhooks.GroupBy(w => w.Headers["webhook-id"]).ToList();
        Assert.Equal(TaskCount, byId.Count);
        Assert.All(byId, group => Assert.Single(group.Select(w => JsonNode.Parse(w.Body)!["id_task"]!.GetValue<string>()).Distinct()));
        Assert.Equal(ids, byId.Select(g => JsonNode.Parse(g.First().Body)!["id_task"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        output.WriteLine($"after the restart: {webhooks.Count} webhooks for {byId.Count} distinct webhook-ids");

        Assert.DoesNotContain(secretText["whsec_".Length..], firstOutput + second.Output, StringComparison.Ordinal);
        Assert.Contains(secretFile, firstOutput, StringComparison.Ordinal);
    }
}
