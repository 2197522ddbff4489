using static SdServerless.IntegrationTests.Emulator.EmulatorGenerationTests;

namespace SdServerless.IntegrationTests.Emulator;

/// <summary>How SD Web UI 1.10 takes a txt2img/img2img body: nulls, coercions, alwayson_scripts, override_settings.</summary>
[Trait("Category", "Integration")]
public sealed class EmulatorRequestRulesTests
{
    [Fact]
    public async Task NullIsRefusedWhereTheApiAddsADefaultCrashesProcessingFieldsAndIsFineElsewhere()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (refusedStatus, refused) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"send_images": null, "alwayson_scripts": null, "width": 64, "height": 64}""");
        var (img2imgStatus, img2img) = await client.PostJsonAsync("sdapi/v1/img2img", """{"denoising_strength": null, "init_images": ["x"]}""");
        var (crashStatus, crash) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"steps": null, "width": 64, "height": 64}""");
        var (fineStatus, _) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"seed": null, "sampler_name": null, "override_settings": null, "restore_faces": null, "width": 64, "height": 64}""");

        Assert.Equal(422, refusedStatus);
        Assert.Equal(["send_images", "alwayson_scripts"], refused.GetProperty("detail").EnumerateArray().Select(d => d.GetProperty("loc")[1].GetString()));
        Assert.All(refused.GetProperty("detail").EnumerateArray(), d => Assert.Equal("type_error.none.not_allowed", d.GetProperty("type").GetString()));
        Assert.Equal(422, img2imgStatus);
        Assert.Equal("denoising_strength", img2img.GetProperty("detail")[0].GetProperty("loc")[1].GetString());
        Assert.Equal(500, crashStatus);
        Assert.Equal("TypeError", crash.GetProperty("error").GetString());
        Assert.Equal(200, fineStatus);
        Assert.Equal(1, client.Emulator.RequestCount);
    }

    [Fact]
    public async Task PydanticCoercesNumbersInStringsFloatsBooleansAndAnEmptyListForADict()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/txt2img",
            """{"steps": "20", "width": 64.9, "height": "64", "restore_faces": 0, "tiling": "yes", "prompt": 123, "alwayson_scripts": []}""");

        Assert.Equal(200, status);
        var parameters = body.GetProperty("parameters");
        Assert.Equal(20, parameters.GetProperty("steps").GetInt32());
        Assert.Equal(64, parameters.GetProperty("width").GetInt32());
        Assert.False(parameters.GetProperty("restore_faces").GetBoolean());
        Assert.True(parameters.GetProperty("tiling").GetBoolean());
        Assert.Equal("123", parameters.GetProperty("prompt").GetString());
        Assert.Equal(JsonValueKind.Object, parameters.GetProperty("alwayson_scripts").ValueKind);
    }

    [Fact]
    public async Task AlwaysOnScriptsKeysMustBeInstalledAlwaysOnScriptTitles()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { AlwaysOnScripts = [.. SdWebUiFacts.AlwaysOnScripts, "ControlNet"] });

        var (known, _) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "alwayson_scripts": {"controlnet": {"args": []}, "Seed": {}}}""");
        var (unknownStatus, unknown) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"alwayson_scripts": {"ADetailer": {"args": []}}}""");
        var (selectableStatus, selectable) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"alwayson_scripts": {"X/Y/Z plot": {"args": []}}}""");

        Assert.Equal(200, known);
        Assert.Equal(422, unknownStatus);
        AssertError(unknown, "HTTPException", "Script 'ADetailer' not found", "");
        Assert.Equal(422, selectableStatus);
        AssertError(selectable, "HTTPException", "Cannot have a selectable script in the always on scripts params", "");
        Assert.Equal(1, client.Emulator.RequestCount);
    }

    [Theory]
    [InlineData("sd_model_checkpoint", "\"v1-5-pruned-emaonly.safetensors\"")]
    [InlineData("sd_vae", "\"Automatic\"")]
    [InlineData("override_settings", "{\"CLIP_stop_at_last_layers\": 2}")]
    public async Task TheReferencesCompatibilityKeysAreNotScriptsToSdWebUi(string key, string value)
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/txt2img", "{\"alwayson_scripts\": {\"" + key + "\": " + value + "}}");

        Assert.Equal(422, status);
        AssertError(body, "HTTPException", $"Script '{key}' not found", "");
    }

    [Fact]
    public async Task AnUnknownSettingIsAKeyErrorUnlessNullAndFrozenSettingsRefuseEveryChange()
    {
        await using var client = await EmulatorClient.StartAsync();
        await using var frozen = await EmulatorClient.StartAsync(new EmulatorOptions { FreezeSettings = true });

        var (unknownStatus, unknown) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"override_settings": {"no_such_setting": 1}}""");
        var (nullStatus, _) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "override_settings": {"no_such_setting": null}}""");
        var (knownStatus, _) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "override_settings": {"CLIP_stop_at_last_layers": 2}}""");
        var (frozenStatus, frozenBody) = await frozen.PostJsonAsync("sdapi/v1/txt2img", """{"override_settings": {"CLIP_stop_at_last_layers": 2}}""");

        Assert.Equal(500, unknownStatus);
        AssertError(unknown, "KeyError", "", "'no_such_setting'");
        Assert.Equal((200, 200), (nullStatus, knownStatus));
        Assert.Equal(500, frozenStatus);
        AssertError(frozenBody, "AssertionError", "", "changing settings is disabled");
    }

    [Fact]
    public async Task OptionsShowIntegerSettingsAsFloatsAndPostingAnUnknownOneFails()
    {
        await using var client = await EmulatorClient.StartAsync();

        var options = await client.GetJsonAsync("sdapi/v1/options");
        var (status, body) = await client.PostJsonAsync("sdapi/v1/options", """{"no_such_setting": true}""");

        Assert.Equal("1.0", options.GetProperty("CLIP_stop_at_last_layers").GetRawText());
        Assert.Equal("-1.0", options.GetProperty("n_rows").GetRawText());
        Assert.Equal(500, status);
        AssertError(body, "KeyError", "", "'no_such_setting'");
    }

    [Fact]
    public async Task Txt2ImgDenoisingStrengthDefaultsToNoneAndImg2ImgsTo075()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (_, txt2img) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64}""");
        var (_, img2img) = await client.PostJsonAsync("sdapi/v1/img2img", $$"""{"init_images": ["{{EmulatorInputRulesTests.Png(64, 64)}}"], "width": 64, "height": 64}""");

        Assert.Equal(JsonValueKind.Null, txt2img.GetProperty("parameters").GetProperty("denoising_strength").ValueKind);
        Assert.Equal(0.75, img2img.GetProperty("parameters").GetProperty("denoising_strength").GetDouble());
    }
}
