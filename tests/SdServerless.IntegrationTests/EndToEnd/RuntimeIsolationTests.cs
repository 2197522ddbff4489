namespace SdServerless.IntegrationTests.EndToEnd;

/// <summary>Each runtime has its own queue and workers in the local host: one runtime's backlog never holds up another's.</summary>
[Trait("Category", "Integration")]
public sealed class RuntimeIsolationTests
{
    [Fact]
    public async Task ABacklogOfOneRuntimeSubmittedFirstDoesNotDelayAnotherRuntimesTasks()
    {
        // Runtime "busy" has one GPU whose jobs last ten minutes: its backlog never drains during the test. Runtime
        // "free" has its own idle server. With one queue for both, the backlog would hold every dispatcher loop.
        await using var busy = await EmulatorHost.StartAsync(new EmulatorOptions { DelayPerImage = TimeSpan.FromMinutes(10), ModelSwitchDelay = TimeSpan.Zero });
        await using var free = await EmulatorHost.StartAsync(new EmulatorOptions { ModelSwitchDelay = TimeSpan.Zero });
        var runtimes = Path.Combine(Directory.CreateTempSubdirectory("runtimes-").FullName, "runtimes.json");
        await File.WriteAllTextAsync(runtimes, $$"""
            {"runtimes": [
              {"name": "busy", "endpoints": ["{{busy.BaseUrl.ToString().TrimEnd('/')}}"], "models": ["{{EmulatorOptions.DefaultModel}}"]},
              {"name": "free", "endpoints": ["{{free.BaseUrl.ToString().TrimEnd('/')}}"], "models": ["other.safetensors"]}
            ]}
            """);
        await using var host = await LocalHostProcess.StartAsync(null, "--runtimes", runtimes);
        using var client = new PipelineClient(host);

        for (var i = 0; i < 12; i++)
        {
            await client.SubmitAsync("v1alpha2", Task($"backlog-{i}", "busy"));
        }

        for (var i = 0; i < 3; i++)
        {
            await client.SubmitAsync("v1alpha2", Task($"quick-{i}", "free"));
        }

        for (var i = 0; i < 3; i++)
        {
            var (final, _) = await client.WaitUntilFinishedAsync($"quick-{i}", TimeSpan.FromSeconds(90));
            Assert.Equal("succeeded", final["status"]!.GetValue<string>());
        }

        var backlog = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            backlog.Add((await client.StatusAsync($"backlog-{i}"))["status"]!.GetValue<string>());
        }

        Assert.DoesNotContain("succeeded", backlog);
        Assert.True(Directory.Exists(Path.Combine(host.DataDirectory, "queues", "tasks")), "the first runtime keeps the queue directory a data directory already had");
        Assert.True(Directory.Exists(Path.Combine(host.DataDirectory, "queues", "tasks-free")));
    }

    private static string Task(string id, string runtime) =>
        "{\"task\":{\"metadata\":{\"id\":\"" + id + "\",\"runtime\":\"" + runtime + "\",\"tasktype\":\"text-to-image\"},"
        + "\"content\":{\"prompt\":\"p\",\"steps\":2,\"width\":64,\"height\":64}}}";
}
