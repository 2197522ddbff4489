namespace SdServerless.UnitTests.Tasks;

/// <summary>What SD Web UI 1.10 accepts, refuses or fails on, decided at submission: coercions, nulls, settings, scripts.</summary>
public class SdWebUiRuleTests
{
    private static readonly TaskParser SubFolders = Parsing.Parser(new RuntimeCatalog(
    [
        new RuntimeConfig
        {
            Name = "sdruntime",
            Endpoints = ["http://127.0.0.1:7861"],
            Models = ["v1-5-pruned-emaonly.safetensors", "sd15/photo.safetensors", "xl/base.safetensors [0123456789]"],
            AlwaysOnScripts = ["ControlNet"],
            OptionKeys = ["CLIP_stop_at_last_layers", "sd_vae"],
        },
    ]));

    [Fact]
    public async Task WhatPydanticCoercesIsAcceptedAndForwardedInItsCoercedForm()
    {
        var result = await Parsing.V2(Parsing.V2Body(
            """{"steps":"20","width":512.9,"height":"512","cfg_scale":"7.5","restore_faces":1,"tiling":"no","prompt":5,"styles":[1,"a"],"alwayson_scripts":[]}"""));

        Parsing.AssertValid(result);
        var expected = JsonNode.Parse("""{"steps":20,"width":512,"height":512,"cfg_scale":7.5,"restore_faces":true,"tiling":false,"prompt":"5","styles":["1","a"]}""");
        Assert.True(JsonNode.DeepEquals(expected, result.Task!.Content), result.Task.Content.ToJsonString());
    }

    [Fact]
    public async Task ValuesSentInTheirOwnTypeAreForwardedUntouched()
    {
        const string Content = """{"steps":20,"width":512.0,"prompt":"x","restore_faces":false,"seed":null}""";

        var result = await Parsing.V2(Parsing.V2Body(Content));

        Assert.Equal(Content, result.Task!.Content.ToJsonString());
    }

    [Theory]
    [InlineData("text-to-image", "send_images")]
    [InlineData("text-to-image", "alwayson_scripts")]
    [InlineData("text-to-image", "sampler_index")]
    [InlineData("text-to-image", "prompt")]
    [InlineData("text-to-image", "batch_size")]
    [InlineData("image-to-image", "denoising_strength")]
    [InlineData("extra-single-image", "upscaling_resize")]
    public async Task ANullSdWebUiRefusesOrFailsOnIsRefused(string tasktype, string field)
    {
        var input = tasktype == "text-to-image" ? "" : tasktype == "image-to-image" ? "\"init_images\":[\"https://images.example.com/a.png\"]," : "\"image\":\"https://images.example.com/a.png\",";

        var result = await Parsing.V2(Parsing.V2Body($$"""{{{input}}"{{field}}":null}""", tasktype: $"\"{tasktype}\""));

        Assert.StartsWith("must not be null", Parsing.SingleError(result, "task.content." + field), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyMaskIsDroppedBeforeItReachesSdWebUi()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"init_images":["https://images.example.com/a.png"],"mask":""}""", tasktype: "\"image-to-image\""));

        Parsing.AssertValid(result);
        Assert.False(result.Task!.Content.ContainsKey("mask"));
    }

    [Fact]
    public async Task MoreInitImagesThanTheBatchHoldsAreRefused()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"init_images":["https://images.example.com/a.png","https://images.example.com/b.png"]}""", tasktype: "\"image-to-image\""));

        Assert.Contains("batch_size is 1", Parsing.SingleError(result, "task.content.init_images"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("photo")]
    [InlineData("sd15_photo")]
    [InlineData("sd15/photo.safetensors")]
    [InlineData("photo [abcdef0123]")]
    [InlineData("base [0123456789]")]
    [InlineData("0123456789")]
    public async Task ACheckpointIsAcceptedByAnyAliasSdWebUiResolves(string alias)
    {
        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body("""{"override_settings":{"sd_model_checkpoint":""" + $"\"{alias}\"" + "}}"), SubFolders));
    }

    [Theory]
    [InlineData("photo.safetensors")]
    [InlineData("Photo")]
    [InlineData("base [9999999999]")]
    public async Task ANameSdWebUiWouldDropForItsDefaultCheckpointIsRefused(string name)
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"override_settings":{"sd_model_checkpoint":""" + $"\"{name}\"" + "}}"), SubFolders);

        Assert.Contains("is not served", Parsing.SingleError(result, "task.content.override_settings.sd_model_checkpoint"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AV1Alpha2CheckpointInAlwaysOnScriptsIsTheTasksModel()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"alwayson_scripts":{"sd_model_checkpoint":"photo"}}"""), SubFolders);

        Parsing.AssertValid(result);
        Assert.Equal("photo", result.Task!.Model);
        Assert.False(result.Task.Content.ContainsKey("alwayson_scripts"));
    }

    [Fact]
    public async Task TwoPlacesNamingDifferentCheckpointsAreRefused()
    {
        var result = await Parsing.V2(Parsing.V2Body(
            """{"override_settings":{"sd_model_checkpoint":"photo"},"alwayson_scripts":{"sd_model_checkpoint":"v1-5-pruned-emaonly"}}"""), SubFolders);

        Assert.Contains("another checkpoint", Parsing.SingleError(result, "task.content.alwayson_scripts.sd_model_checkpoint"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SdVaeAndOverrideSettingsInAlwaysOnScriptsJoinOverrideSettings()
    {
        var result = await Parsing.V1(
            """{"alwayson_scripts":{"task":"text-to-image","id_task":"t","sd_model_checkpoint":"photo","sd_vae":"None","override_settings":{"CLIP_stop_at_last_layers":2}},"override_settings":{"sd_vae":"None"}}""",
            SubFolders);

        Parsing.AssertValid(result);
        Assert.Equal("""{"override_settings":{"sd_vae":"None","CLIP_stop_at_last_layers":2}}""", result.Task!.Content.ToJsonString());
    }

    [Fact]
    public async Task SettingsAndScriptsTheRuntimeDoesNotKnowAreRefused()
    {
        var result = await Parsing.V2(Parsing.V2Body(
            """{"override_settings":{"eta_ddim":0.5,"unknown_but_null":null},"alwayson_scripts":{"controlnet":{"args":[]},"ADetailer":{"args":[]},"override_settings":{"sd_vae":"x","hypertile_enable_unet":true}}}"""),
            SubFolders);

        Assert.Equal(
            ["task.content.override_settings.eta_ddim", "task.content.alwayson_scripts.ADetailer", "task.content.alwayson_scripts.override_settings.hypertile_enable_unet"],
            result.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task TheDefaultRuntimeKnowsSdWebUi110sSettingsAndBuiltInScripts()
    {
        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body("""{"override_settings":{"eta_ddim":0.5,"sd_vae":"None"},"alwayson_scripts":{"seed":{"args":[]}}}""")));
        Assert.False((await Parsing.V2(Parsing.V2Body("""{"alwayson_scripts":{"controlnet":{"args":[]}}}"""))).IsValid);
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data/", "non-public")]
    [InlineData("s3://bucket/unit.png", "'s3:' inputs cannot be read")]
    public async Task UrlsInScriptArgumentsFollowTheInputRules(string url, string expected)
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"alwayson_scripts":{"ControlNet":{"args":[{"image":{"image":""" + $"\"{url}\"" + "}}]}}}"), SubFolders);

        Assert.Contains(expected, Parsing.SingleError(result, "task.content.alwayson_scripts.ControlNet.args[0].image.image"), StringComparison.Ordinal);
    }
}
