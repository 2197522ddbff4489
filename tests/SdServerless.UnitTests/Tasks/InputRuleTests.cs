namespace SdServerless.UnitTests.Tasks;

/// <summary>Image inputs: which task types need one, and the forms an input may take.</summary>
public class InputRuleTests
{
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    [Fact]
    public async Task ImageToImageWithoutAnyInputIsRefused()
    {
        var body = Parsing.V2Body("""{"prompt":"x"}""", tasktype: "\"image-to-image\"");

        var message = Parsing.SingleError(await Parsing.V2(body), "task.content.init_images");

        Assert.Contains("image_link", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageToImageWithAnEmptyInitImagesListIsRefused()
    {
        var body = Parsing.V2Body("""{"init_images":[]}""", tasktype: "\"image-to-image\"");

        Parsing.SingleError(await Parsing.V2(body), "task.content.init_images");
    }

    [Theory]
    [InlineData(Png)]
    [InlineData("data:image/png;base64," + Png)]
    [InlineData("https://" + Parsing.PublicHost + "/cat.png")]
    public async Task ImageToImageAcceptsInitImagesAsBase64DataUrlOrUrl(string image)
    {
        var body = Parsing.V2Body($$"""{"init_images":["{{image}}"]}""", tasktype: "\"image-to-image\"");

        var result = await Parsing.V2(body);

        Parsing.AssertValid(result);
        Assert.Equal(image, result.Task!.Content["init_images"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("data:text/plain;base64,aGVsbG8=")]
    [InlineData("data:image/png," + Png)]
    [InlineData("data:image/png;base64,@@@")]
    [InlineData("abc")]
    [InlineData("")]
    public async Task AnInitImageThatIsNoImageFormIsRefused(string image)
    {
        var body = Parsing.V2Body($$"""{"init_images":["{{image}}"]}""", tasktype: "\"image-to-image\"");

        var message = Parsing.SingleError(await Parsing.V2(body), "task.content.init_images[0]");

        Assert.Contains("base64", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://" + Parsing.PublicHost + "/cat.png", "must be an https URL")]
    [InlineData("ftp://" + Parsing.PublicHost + "/cat.png", "must be an https URL")]
    [InlineData("https://" + Parsing.PrivateHost + "/cat.png", "non-public")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "non-public")]
    public async Task AnInitImageUrlFollowsTheUrlRules(string url, string expected)
    {
        var body = Parsing.V2Body($$"""{"init_images":["{{Png}}","{{url}}"],"batch_size":2}""", tasktype: "\"image-to-image\"");

        Assert.Contains(expected, Parsing.SingleError(await Parsing.V2(body), "task.content.init_images[1]"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEscapedBase64InputIsJudgedAfterUnescaping()
    {
        var escaped = Png.Replace("/", "\\/", StringComparison.Ordinal);
        var body = Parsing.V2Body($$"""{"init_images":["{{escaped}}"]}""", tasktype: "\"image-to-image\"");

        Parsing.AssertValid(await Parsing.V2(body));
    }

    [Fact]
    public async Task ExtraSingleImageWithoutImageIsRefused()
    {
        var body = Parsing.V2Body("""{"upscaling_resize":2}""", tasktype: "\"extra-single-image\"");

        Parsing.SingleError(await Parsing.V2(body), "task.content.image");
    }

    [Fact]
    public async Task ExtraSingleImageAcceptsImageOrImageLink()
    {
        var inline = Parsing.V2Body($$"""{"image":"{{Png}}","upscaling_resize":2}""", tasktype: "\"extra-single-image\"");
        var linked = Parsing.V2Body(
            """{"alwayson_scripts":{"image_link":"https://images.example.com/a.png"}}""", tasktype: "\"extra-single-image\"");

        Parsing.AssertValid(await Parsing.V2(inline));
        var result = await Parsing.V2(linked);
        Parsing.AssertValid(result);
        Assert.Equal("https://images.example.com/a.png", result.Task!.ImageLink);
    }

    [Fact]
    public async Task AMaskMustBeAnImageToo()
    {
        var good = Parsing.V2Body($$"""{"init_images":["{{Png}}"],"mask":"{{Png}}"}""", tasktype: "\"image-to-image\"");
        var empty = Parsing.V2Body($$"""{"init_images":["{{Png}}"],"mask":""}""", tasktype: "\"image-to-image\"");
        var bad = Parsing.V2Body($$"""{"init_images":["{{Png}}"],"mask":"no mask"}""", tasktype: "\"image-to-image\"");

        Parsing.AssertValid(await Parsing.V2(good));
        Parsing.AssertValid(await Parsing.V2(empty));
        Parsing.SingleError(await Parsing.V2(bad), "task.content.mask");
    }

    [Theory]
    [InlineData("https://user:pass@images.example.com/a.png", "must not contain credentials")]
    [InlineData("http://images.example.com/a.png", "must be an https URL")]
    [InlineData("https://127.0.0.1/a.png", "non-public")]
    [InlineData("https://images.example.com/a.png\r\nX-Injected: 1", "control characters")]
    [InlineData("cat.png", "must be an absolute URL")]
    public async Task AnImageLinkFollowsTheUrlRules(string link, string expected)
    {
        var body = Parsing.V2Body(
            "{\"alwayson_scripts\":{\"image_link\":" + Json(link) + "}}", tasktype: "\"image-to-image\"");

        var message = Parsing.SingleError(await Parsing.V2(body), "task.content.alwayson_scripts.image_link");

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://hooks.example.com/done", null)]
    [InlineData("http://hooks.example.com/done", "must be an https URL")]
    [InlineData("https://10.0.0.1/done", "non-public")]
    [InlineData("https://localhost/done", "non-public")]
    [InlineData("https://hooks.example.com/done\nHost: evil", "control characters")]
    public async Task ACallbackUrlFollowsTheUrlRules(string url, string? expected)
    {
        var result = await Parsing.V2(Parsing.V2Body(extraMetadata: $"\"callback_url\":{Json(url)}"));

        if (expected is null)
        {
            Parsing.AssertValid(result);
            Assert.Equal(url, result.Task!.CallbackUrl);
        }
        else
        {
            Assert.Contains(expected, Parsing.SingleError(result, "task.metadata.callback_url"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AV1Alpha1CallbackUrlIsReadFromAlwaysOnScripts()
    {
        const string Body = """{"alwayson_scripts":{"task":"text-to-image","id_task":"t1","sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors","callback_url":"URL"}}""";

        var good = await Parsing.V1(Body.Replace("URL", "https://hooks.example.com/x", StringComparison.Ordinal));
        var bad = await Parsing.V1(Body.Replace("URL", "https://192.168.1.1/x", StringComparison.Ordinal));

        Assert.Equal("https://hooks.example.com/x", good.Task!.CallbackUrl);
        Parsing.SingleError(bad, "alwayson_scripts.callback_url");
    }

    private static string Json(string value) =>
        System.Text.Json.JsonSerializer.Serialize(value, Core.Json.CoreJsonContext.Default.String);
}
