namespace SdServerless.IntegrationTests.Emulator;

[Trait("Category", "Integration")]
public class EmulatorSchedulingTests
{
    [Fact]
    public async Task TwoGpusServeFourRequestsNeverMoreThanOneEach()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions
        {
            Workers = 2,
            DelayPerImage = TimeSpan.FromSeconds(1),
        });

        var responses = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64}""")));

        Assert.All(responses, response => Assert.Equal(200, response.Status));
        Assert.Equal(4, client.Emulator.RequestCount);
        Assert.Equal(2, client.Emulator.PeakBusyGpus);
        Assert.All(client.Emulator.Gpus, gpu => Assert.Equal(1, gpu.PeakConcurrency));
        Assert.Equal(4, client.Emulator.Gpus.Sum(gpu => gpu.RequestCount));
        Assert.All(client.Emulator.Gpus, gpu => Assert.True(gpu.BusyTime >= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task EveryJobLastsItsConfiguredTimeAndItsResponseIsNoted()
    {
        // Timers fire by a millisecond clock: without a check on the monotonic one, a 7 ms job could measure 6.x ms.
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions
        {
            Workers = 2,
            DelayPerImage = TimeSpan.FromMilliseconds(7),
            ModelSwitchDelay = TimeSpan.Zero,
            RecordJobs = true,
        });

        var responses = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => client.PostJsonAsync("sdapi/v1/txt2img", $$"""{"width": 64, "height": 64, "seed": {{i}}, "n_iter": {{1 + (i % 3)}}}""")));

        Assert.All(responses, response => Assert.Equal(200, response.Status));
        var jobs = client.Emulator.JobLog;
        Assert.Equal(40, jobs.Count);
        Assert.All(jobs, job =>
        {
            Assert.True(job.FinishedAt - job.StartedAt >= TimeSpan.FromMilliseconds(7) * job.Images, $"{job.Images} image(s) in {(job.FinishedAt - job.StartedAt).TotalMilliseconds} ms");
            Assert.NotNull(job.RespondedAt);
            Assert.True(job.RespondedAt >= job.FinishedAt);
        });
    }

    [Fact]
    public async Task QueuedRequestsAreServedInArrivalOrder()
    {
        // Each job would take a minute: the test queues them all, then interrupts them one after another.
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { DelayPerImage = TimeSpan.FromMinutes(1) });
        async Task Send(int n)
        {
            var (status, _) = await client.PostJsonAsync("sdapi/v1/txt2img", $$"""{"width": 64, "height": 64, "seed": {{n}}}""");
            Assert.Equal(200, status);
        }

        var sends = new List<Task> { Send(0) };
        await WaitUntil(() => client.Emulator.Gpus[0].IsBusy);
        for (var n = 1; n <= 4; n++)
        {
            sends.Add(Send(n));
            var expected = n;
            await WaitUntil(() => client.Emulator.QueueLength == expected);
        }

        // Interrupting the running job must finish request n, and only it: the order is decided by the server,
        // not by when responses happen to reach the client.
        for (var n = 0; n <= 4; n++)
        {
            var waiting = 4 - n;
            await WaitUntil(() => client.Emulator.Gpus[0].IsBusy && client.Emulator.QueueLength == waiting);
            client.Emulator.Interrupt();
            var done = await Task.WhenAny(sends[n], Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.Same(sends[n], done);
            await sends[n];
        }

        Assert.Equal(1, client.Emulator.Gpus[0].PeakConcurrency);
    }

    [Fact]
    public async Task ACheckpointOverrideLoadsTheModelAndCountsASwitch()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions
        {
            Models = ["a.safetensors", "b.safetensors"],
            ModelSwitchDelay = TimeSpan.FromMilliseconds(20),
        });
        const string ToB = """{"width": 64, "height": 64, "override_settings": {"sd_model_checkpoint": "b.safetensors"}}""";

        await client.PostJsonAsync("sdapi/v1/txt2img", ToB);
        Assert.Equal(1, client.Emulator.ModelSwitches);
        Assert.Equal("b.safetensors", client.Emulator.Gpus[0].LoadedModel.Name);

        var (_, again) = await client.PostJsonAsync("sdapi/v1/txt2img", ToB);
        Assert.Equal(1, client.Emulator.ModelSwitches);
        Assert.Contains("\"sd_model_name\":\"b\"", again.GetProperty("info").GetString(), StringComparison.Ordinal);

        // Without an override the /options checkpoint applies again, as SD Web UI reloads it.
        await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64}""");
        Assert.Equal(2, client.Emulator.ModelSwitches);
        Assert.Equal("a.safetensors", client.Emulator.Gpus[0].LoadedModel.Name);

        await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "override_settings": {"sd_model_checkpoint": "nope"}}""");
        Assert.Equal(2, client.Emulator.ModelSwitches);
    }

    [Fact]
    public async Task AFreeGpuWithTheModelLoadedTakesTheRequest()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions
        {
            Workers = 2,
            Models = ["a.safetensors", "b.safetensors"],
            ModelSwitchDelay = TimeSpan.FromMilliseconds(20),
        });
        const string ToB = """{"width": 64, "height": 64, "override_settings": {"sd_model_checkpoint": "b.safetensors"}}""";
        const string ToA = """{"width": 64, "height": 64}""";

        await client.PostJsonAsync("sdapi/v1/txt2img", ToB);
        for (var i = 0; i < 3; i++)
        {
            await client.PostJsonAsync("sdapi/v1/txt2img", ToA);
            await client.PostJsonAsync("sdapi/v1/txt2img", ToB);
        }

        Assert.Equal(1, client.Emulator.ModelSwitches);
        Assert.Equal(7, client.Emulator.RequestCount);
    }

    [Fact]
    public async Task WithoutAffinityAlternatingModelsSwitchEveryTime()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions
        {
            Workers = 2,
            Models = ["a.safetensors", "b.safetensors"],
            ModelSwitchDelay = TimeSpan.FromMilliseconds(5),
            PreferLoadedModel = false,
        });

        for (var i = 0; i < 3; i++)
        {
            await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "override_settings": {"sd_model_checkpoint": "b"}}""");
            await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64}""");
        }

        Assert.Equal(6, client.Emulator.ModelSwitches);
    }

    internal static Task WaitUntil(Func<bool> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        Eventually.TrueAsync(condition, TimeSpan.FromSeconds(30), what);
}
