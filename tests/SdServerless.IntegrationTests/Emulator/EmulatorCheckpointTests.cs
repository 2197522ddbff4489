namespace SdServerless.IntegrationTests.Emulator;

/// <summary>Checkpoints as SD Web UI 1.10 names, lists, hashes and loads them.</summary>
[Trait("Category", "Integration")]
public sealed class EmulatorCheckpointTests
{
    private static EmulatorOptions TwoModels() => new()
    {
        Models = ["v1-5-pruned-emaonly.safetensors", "sd15/photo.safetensors"],
        ModelSwitchDelay = TimeSpan.Zero,
    };

    private static async Task<string> ModelOfAsync(EmulatorClient client, string overrideName)
    {
        var (status, body) = await client.PostJsonAsync("sdapi/v1/txt2img",
            $$$"""{"width": 64, "height": 64, "override_settings": {"sd_model_checkpoint": "{{{overrideName}}}"}}""");
        Assert.Equal(200, status);
        using var info = JsonDocument.Parse(body.GetProperty("info").GetString()!);
        return info.RootElement.GetProperty("sd_model_name").GetString()!;
    }

    [Fact]
    public async Task LoadingAnotherCheckpointHoldsTheGpuForTheSwitchDelayAndAJobOnTheLoadedOneDoesNot()
    {
        var delay = TimeSpan.FromMilliseconds(600);
        var options = TwoModels();
        options.ModelSwitchDelay = delay;
        options.RecordJobs = true;
        await using var client = await EmulatorClient.StartAsync(options);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Assert.Equal("sd15_photo", await ModelOfAsync(client, "photo"));
        var switchTook = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Assert.Equal("sd15_photo", await ModelOfAsync(client, "photo"));

        Assert.True(switchTook >= delay, $"the switch took {switchTook.TotalMilliseconds} ms, not the {delay.TotalMilliseconds} ms of a checkpoint load");
        var (switched, stayed) = (client.Emulator.JobLog[0], client.Emulator.JobLog[1]);
        Assert.Equal((true, false), (switched.SwitchedModel, stayed.SwitchedModel));
        Assert.True(switched.FinishedAt - switched.StartedAt >= delay, "the load did not hold the GPU");
        Assert.Equal(1, client.Emulator.ModelSwitches);
    }

    [Fact]
    public async Task ACheckpointInASubFolderAnswersToItsIdsAndABareFileNameFallsBackToTheDefault()
    {
        await using var client = await EmulatorClient.StartAsync(TwoModels());
        var photo = client.Emulator.Models[1];

        Assert.Equal("sd15_photo", await ModelOfAsync(client, "sd15/photo.safetensors"));
        Assert.Equal("sd15_photo", await ModelOfAsync(client, "photo"));
        Assert.Equal("sd15_photo", await ModelOfAsync(client, "sd15_photo"));
        Assert.Equal("sd15_photo", await ModelOfAsync(client, $"photo [{photo.Hash}]"));

        // Not an alias: the override is dropped and the default checkpoint is loaded again, without a word.
        Assert.Equal("v1-5-pruned-emaonly", await ModelOfAsync(client, "photo.safetensors"));
        Assert.Equal("v1-5-pruned-emaonly", client.Emulator.Gpus[0].LoadedModel.ModelName);
    }

    [Fact]
    public async Task ARequestWithoutACheckpointReloadsTheDefaultAndOptionsShowTheDefaultWhileTheHashFollowsTheLoadedOne()
    {
        await using var client = await EmulatorClient.StartAsync(TwoModels());

        Assert.Equal("sd15_photo", await ModelOfAsync(client, "photo"));
        var afterOverride = await client.GetJsonAsync("sdapi/v1/options");
        var (_, plain) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64}""");
        var afterPlain = await client.GetJsonAsync("sdapi/v1/options");

        var photo = client.Emulator.Models[1];
        var defaultModel = client.Emulator.Models[0];
        Assert.Equal(defaultModel.Title, afterOverride.GetProperty("sd_model_checkpoint").GetString());
        Assert.Equal(photo.Sha256, afterOverride.GetProperty("sd_checkpoint_hash").GetString());
        using var info = JsonDocument.Parse(plain.GetProperty("info").GetString()!);
        Assert.Equal("v1-5-pruned-emaonly", info.RootElement.GetProperty("sd_model_name").GetString());
        Assert.Equal(defaultModel.Sha256, afterPlain.GetProperty("sd_checkpoint_hash").GetString());
        Assert.Equal(2, client.Emulator.ModelSwitches);
    }

    [Fact]
    public async Task TheModelListChangesOnlyOnRefreshAndAFileIsHashedOnlyOnceLoaded()
    {
        await using var client = await EmulatorClient.StartAsync(TwoModels());
        client.Emulator.AddCheckpointFile("uploads/new.safetensors");

        var before = await client.GetJsonAsync("sdapi/v1/sd-models");
        Assert.Equal("v1-5-pruned-emaonly", await ModelOfAsync(client, "new"));
        var (refreshStatus, _) = await client.PostJsonAsync("sdapi/v1/refresh-checkpoints", "{}");
        var after = await client.GetJsonAsync("sdapi/v1/sd-models");
        Assert.Equal("uploads_new", await ModelOfAsync(client, "new"));
        var loaded = await client.GetJsonAsync("sdapi/v1/sd-models");

        Assert.Equal(["v1-5-pruned-emaonly.safetensors [", "sd15/photo.safetensors"], before.EnumerateArray().Select(m => m.GetProperty("title").GetString()![..Math.Min(33, m.GetProperty("title").GetString()!.Length)]));
        Assert.Equal(JsonValueKind.Null, before[1].GetProperty("sha256").ValueKind);
        Assert.Equal(200, refreshStatus);
        Assert.Equal(3, after.GetArrayLength());
        Assert.Equal("uploads/new.safetensors", after[2].GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, after[2].GetProperty("hash").ValueKind);
        Assert.Matches(@"^uploads/new\.safetensors \[[0-9a-f]{10}\]$", loaded[2].GetProperty("title").GetString());
        Assert.Equal(64, loaded[2].GetProperty("sha256").GetString()!.Length);
    }
}
