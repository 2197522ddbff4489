namespace SdServerless.IntegrationTests.Emulator;

[Trait("Category", "Integration")]
public class EmulatorStateTests
{
    [Fact]
    public async Task SdModelsListsEveryCheckpointWithSdWebUisFields()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { Models = ["v1-5-pruned-emaonly.safetensors", "sdxl.safetensors"] });

        var models = await client.GetJsonAsync("sdapi/v1/sd-models");

        Assert.Equal(2, models.GetArrayLength());
        var first = models[0];
        Assert.Equal(["title", "model_name", "hash", "sha256", "filename", "config"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("v1-5-pruned-emaonly", first.GetProperty("model_name").GetString());
        Assert.Matches(@"^v1-5-pruned-emaonly\.safetensors \[[0-9a-f]{10}\]$", first.GetProperty("title").GetString());
        Assert.Equal("sdxl", models[1].GetProperty("model_name").GetString());
    }

    [Fact]
    public async Task OptionsChangeTheDefaultCheckpointAndRefuseUnknownOnes()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions
        {
            Models = ["a.safetensors", "b.safetensors"],
            ModelSwitchDelay = TimeSpan.Zero,
        });
        Assert.StartsWith("a.safetensors [", (await client.GetJsonAsync("sdapi/v1/options")).GetProperty("sd_model_checkpoint").GetString(), StringComparison.Ordinal);

        var (unknownStatus, unknown) = await client.PostJsonAsync("sdapi/v1/options", """{"sd_model_checkpoint": "c.safetensors"}""");
        Assert.Equal(500, unknownStatus);
        EmulatorGenerationTests.AssertError(unknown, "RuntimeError", "", "model 'c.safetensors' not found");

        var (status, _) = await client.PostJsonAsync("sdapi/v1/options", """{"sd_model_checkpoint": "b.safetensors", "CLIP_stop_at_last_layers": 2}""");
        Assert.Equal(200, status);
        var options = await client.GetJsonAsync("sdapi/v1/options");
        Assert.StartsWith("b.safetensors [", options.GetProperty("sd_model_checkpoint").GetString(), StringComparison.Ordinal);
        Assert.Equal("2.0", options.GetProperty("CLIP_stop_at_last_layers").GetRawText());

        await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64}""");
        Assert.Equal("b.safetensors", client.Emulator.Gpus[0].LoadedModel.Name);
        Assert.Equal(client.Emulator.Gpus[0].LoadedModel.Sha256, (await client.GetJsonAsync("sdapi/v1/options")).GetProperty("sd_checkpoint_hash").GetString());
    }

    [Fact]
    public async Task ProgressReportsARunningJobAndInterruptEndsIt()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { DelayPerImage = TimeSpan.FromSeconds(30) });
        var idle = await client.GetJsonAsync("sdapi/v1/progress");
        Assert.Equal(0, idle.GetProperty("state").GetProperty("job_count").GetInt32());
        Assert.Equal(["progress", "eta_relative", "state", "current_image", "textinfo"], idle.EnumerateObject().Select(p => p.Name));

        var generation = client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "n_iter": 3, "steps": 20}""");
        await EmulatorSchedulingTests.WaitUntil(() => client.Emulator.Gpus[0].IsBusy);
        var busy = await client.GetJsonAsync("sdapi/v1/progress");
        Assert.Equal(1, busy.GetProperty("state").GetProperty("job_count").GetInt32());
        Assert.Equal("txt2img", busy.GetProperty("state").GetProperty("job").GetString());
        Assert.True(busy.GetProperty("eta_relative").GetDouble() > 0);

        var (interruptStatus, _) = await client.PostJsonAsync("sdapi/v1/interrupt", "{}");
        var (status, body) = await generation;

        Assert.Equal(200, interruptStatus);
        Assert.Equal(200, status);
        Assert.Equal(1, body.GetProperty("images").GetArrayLength());
        using var info = JsonDocument.Parse(body.GetProperty("info").GetString()!);
        Assert.Equal(1, info.RootElement.GetProperty("all_seeds").GetArrayLength());
    }

    [Fact]
    public async Task TheGpuEndpointShowsLoadedModelsAndCounters()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { Workers = 3 });
        await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64}""");

        var state = await client.GetJsonAsync("emulator/v1/gpus");

        var gpus = state.GetProperty("gpus").EnumerateArray().ToList();
        Assert.Equal(3, gpus.Count);
        Assert.Equal(1, gpus.Sum(gpu => gpu.GetProperty("requests").GetInt32()));
        Assert.All(gpus, gpu => Assert.StartsWith("v1-5-pruned-emaonly.safetensors", gpu.GetProperty("loaded_model").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task PathsThatAreNotEmulatedAnswerFastApisNotFound()
    {
        await using var client = await EmulatorClient.StartAsync();

        using var response = await client.Http.GetAsync("sdapi/v1/loras");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("""{"detail":"Not Found"}""", await response.Content.ReadAsStringAsync());
    }
}
