using SdServerless.Core.SdWebUi;

namespace SdServerless.UnitTests.Dispatch;

public sealed class SdWebUiRequestBuilderTests
{
    private static JsonObject Build(SdTask task, SdWebUiInputs? inputs = null) =>
        JsonNode.Parse(SdWebUiRequestBuilder.Build(task, inputs ?? SdWebUiInputs.None).Span)!.AsObject();

    [Fact]
    public void RoutingKeysNeverReachSdWebUiButRealScriptsDo()
    {
        var task = DispatcherHarness.Task("t", TaskType.TextToImage, """
            {"prompt":"p","alwayson_scripts":{"task":"text-to-image","id_task":"t","sd_model_checkpoint":"m","image_link":"https://x/y.png",
             "save_dir":"out","uid":"u","callback_url":"https://h/","ADetailer":{"args":[true,{"ad_model":"face_yolov8n.pt"}]}}}
            """);

        var body = Build(task);

        var scripts = body["alwayson_scripts"]!.AsObject();
        Assert.Equal(["ADetailer"], scripts.Select(p => p.Key));
        Assert.Equal("face_yolov8n.pt", (string?)scripts["ADetailer"]!["args"]![1]!["ad_model"]);
    }

    [Fact]
    public void ScriptsHoldingOnlyRoutingKeysAreLeftOut()
    {
        var task = DispatcherHarness.Task("t", TaskType.TextToImage, """{"prompt":"p","alwayson_scripts":{"task":"text-to-image","uid":"u"}}""");

        Assert.False(Build(task).ContainsKey("alwayson_scripts"));
    }

    [Fact]
    public void EveryOtherFieldPassesThroughUntouched()
    {
        const string Content = """
            {"prompt":"p","negative_prompt":"n","steps":16,"cfg_scale":7.5,"seed":-1,"sampler_name":"Euler a","restore_faces":false,
             "styles":["a","b"],"script_args":[1,null,{"x":[1.25]}],"send_images":true,"unknown_extension_field":{"deep":{"er":1e-3}}}
            """;
        var task = DispatcherHarness.Task("t", TaskType.TextToImage, Content);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Content), Build(task)));
    }

    [Fact]
    public void TheRequestedModelGoesIntoOverrideSettingsBesideTheClientsSettings()
    {
        var task = DispatcherHarness.Task("t", TaskType.TextToImage, """{"override_settings":{"CLIP_stop_at_last_layers":2,"sd_model_checkpoint":"old"}}""", model: "v1-5-pruned-emaonly.safetensors");

        var settings = Build(task)["override_settings"]!;

        Assert.Equal("v1-5-pruned-emaonly.safetensors", (string?)settings["sd_model_checkpoint"]);
        Assert.Equal(2, (int)settings["CLIP_stop_at_last_layers"]!);
    }

    [Fact]
    public void AModelWithoutOverrideSettingsCreatesThem()
    {
        var task = DispatcherHarness.Task("t", TaskType.TextToImage, """{"prompt":"p"}""", model: "sdxl.safetensors");

        Assert.Equal("sdxl.safetensors", (string?)Build(task)["override_settings"]!["sd_model_checkpoint"]);
    }

    [Fact]
    public void ResolvedInputsReplaceTheFieldsAsBase64()
    {
        byte[] downloaded = [1, 2, 3, 250];
        var task = DispatcherHarness.Task("t", TaskType.ImageToImage, """{"init_images":["https://x/a.png","b64"],"mask":"https://x/m.png","prompt":"p"}""");
        var inputs = new SdWebUiInputs
        {
            InitImages = [SdWebUiInput.FromBytes(downloaded), SdWebUiInput.FromBase64("b64")],
            Mask = SdWebUiInput.FromBytes(downloaded),
        };

        var body = Build(task, inputs);

        Assert.Equal([Convert.ToBase64String(downloaded), "b64"], body["init_images"]!.AsArray().Select(i => (string?)i));
        Assert.Equal(Convert.ToBase64String(downloaded), (string?)body["mask"]);
        Assert.Equal("p", (string?)body["prompt"]);
    }

    [Fact]
    public void AnImageLinkAloneCreatesInitImagesOrImage()
    {
        var img2img = DispatcherHarness.Task("t", TaskType.ImageToImage, """{"prompt":"p"}""");
        var extras = DispatcherHarness.Task("t", TaskType.ExtraSingleImage, """{"upscaling_resize":2}""");
        var input = SdWebUiInput.FromBytes(new byte[] { 9, 9 });

        Assert.Equal("CQk=", (string?)Build(img2img, new SdWebUiInputs { InitImages = [input] })["init_images"]![0]);
        Assert.Equal("CQk=", (string?)Build(extras, new SdWebUiInputs { Image = input })["image"]);
    }

    [Theory]
    [InlineData(TaskType.TextToImage, "/sdapi/v1/txt2img")]
    [InlineData(TaskType.ImageToImage, "/sdapi/v1/img2img")]
    [InlineData(TaskType.ExtraSingleImage, "/sdapi/v1/extra-single-image")]
    public void EachTaskTypeHasItsRoute(TaskType type, string path)
    {
        Assert.Equal(path, SdWebUiPaths.For(type));
    }
}
