using SdServerless.Emulator.Images;

namespace SdServerless.IntegrationTests.Emulator;

[Trait("Category", "Integration")]
public class EmulatorGenerationTests
{
    private static readonly string SmallPng = Convert.ToBase64String(
        PngEncoder.Encode(64, 48, 3, PlaceholderImage.Rows(64, 48, 9)));

    [Fact]
    public async Task Txt2ImgReturnsBatchSizeTimesNIterPngsOfTheRequestedSize()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/txt2img",
            """{"prompt": "A dog", "steps": "16", "width": 96, "height": 64, "batch_size": 2, "n_iter": 2, "seed": 1000, "unknown": true}""");

        Assert.Equal(200, status);
        var images = body.GetProperty("images").EnumerateArray().Select(image => EmulatorClient.DecodePng(image.GetString()!)).ToList();
        Assert.Equal(4, images.Count);
        Assert.All(images, image => Assert.Equal((96, 64), (image.Width, image.Height)));
        Assert.Equal(4, images.Select(image => Convert.ToBase64String(image.Data)).Distinct().Count());

        var parameters = body.GetProperty("parameters");
        Assert.Equal(16, parameters.GetProperty("steps").GetInt32());
        Assert.Equal(7.0, parameters.GetProperty("cfg_scale").GetDouble());
        Assert.Equal("A dog", parameters.GetProperty("prompt").GetString());
        Assert.False(parameters.TryGetProperty("unknown", out _));

        using var info = JsonDocument.Parse(body.GetProperty("info").GetString()!);
        Assert.Equal([1000L, 1001, 1002, 1003], info.RootElement.GetProperty("all_seeds").EnumerateArray().Select(seed => seed.GetInt64()));
        Assert.Equal(1000, info.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal(4, info.RootElement.GetProperty("infotexts").GetArrayLength());
        Assert.Equal(0, info.RootElement.GetProperty("index_of_first_image").GetInt32());
        Assert.Equal("v1-5-pruned-emaonly", info.RootElement.GetProperty("sd_model_name").GetString());
    }

    [Fact]
    public async Task AnEmptyBodyObjectGeneratesOneDefaultImage()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/txt2img", "{}");

        Assert.Equal(200, status);
        var image = EmulatorClient.DecodePng(Assert.Single(body.GetProperty("images").EnumerateArray()).GetString()!);
        Assert.Equal((512, 512), (image.Width, image.Height));
        Assert.Equal(50, body.GetProperty("parameters").GetProperty("steps").GetInt32());
    }

    [Fact]
    public async Task AWrongTypeGetsFastApis422Detail()
    {
        await using var client = await EmulatorClient.StartAsync();

        using var response = await client.PostAsync("sdapi/v1/txt2img", """{"steps": "many"}""");

        Assert.Equal(422, (int)response.StatusCode);
        Assert.Equal("""{"detail":[{"loc":["body","steps"],"msg":"value is not a valid integer","type":"type_error.integer"}]}""",
            await response.Content.ReadAsStringAsync());
        Assert.Equal(0, client.Emulator.RequestCount);
    }

    [Fact]
    public async Task MalformedJsonGetsA422JsonDecodeError()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/txt2img", "{\"steps\": ");

        Assert.Equal(422, status);
        Assert.Equal("value_error.jsondecode", body.GetProperty("detail")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Img2ImgWithABase64InitImageReturnsImagesOfTheRequestedSize()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/img2img",
            $$"""{"init_images": ["{{SmallPng}}"], "width": 128, "height": 72, "denoising_strength": "0.5"}""");

        Assert.Equal(200, status);
        var image = EmulatorClient.DecodePng(Assert.Single(body.GetProperty("images").EnumerateArray()).GetString()!);
        Assert.Equal((128, 72), (image.Width, image.Height));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("parameters").GetProperty("init_images").ValueKind);
        Assert.Equal(0.5, body.GetProperty("parameters").GetProperty("denoising_strength").GetDouble());
    }

    [Fact]
    public async Task Img2ImgAcceptsADataUrl()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, _) = await client.PostJsonAsync("sdapi/v1/img2img",
            $$"""{"init_images": ["data:image/png;base64,{{SmallPng}}"], "width": 64, "height": 64}""");

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Img2ImgWithoutInitImagesIsInitImageNotFound()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/img2img", """{"prompt": "x"}""");

        Assert.Equal(404, status);
        AssertError(body, "HTTPException", "Init image not found", "");
    }

    [Theory]
    [InlineData("aGVsbG8=", "Invalid encoded image")]
    [InlineData("https://example.com/cat.png", "Invalid image url")]
    [InlineData("https://127.0.0.1/cat.png", "Request to local resource not allowed")]
    [InlineData("https://images.example.com:8443/cat.png", "Request to local resource not allowed")]
    public async Task Img2ImgWithAnUndecodableImageGetsSdWebUisError(string init, string detail)
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/img2img", $$"""{"init_images": ["{{init}}"]}""");

        Assert.Equal(500, status);
        AssertError(body, "HTTPException", detail, "");
        Assert.Equal(0, client.Emulator.RequestCount);
    }

    [Fact]
    public async Task ExtrasScalesTheInputByUpscalingResize()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/extra-single-image", $$"""{"image": "{{SmallPng}}", "upscaler_1": "Nearest"}""");

        Assert.Equal(200, status);
        var image = EmulatorClient.DecodePng(body.GetProperty("image").GetString()!);
        Assert.Equal((128, 96), (image.Width, image.Height));
        Assert.StartsWith("<p>", body.GetProperty("html_info").GetString(), StringComparison.Ordinal);
        var source = StbImageSharp.ImageResult.FromMemory(Convert.FromBase64String(SmallPng), StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        // Nearest neighbour by 2: pixel (2x+1, 2y+1) of the output is pixel (x, y) of the input.
        Assert.Equal(source.Data.AsSpan((10 * 64 + 20) * 4, 4).ToArray(), image.Data.AsSpan((21 * 128 + 41) * 4, 4).ToArray());
    }

    [Fact]
    public async Task ExtrasResizesToTheGivenSizeInResizeModeOne()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/extra-single-image",
            $$"""{"image": "{{SmallPng}}", "resize_mode": 1, "upscaling_resize_w": 100, "upscaling_resize_h": 100, "upscaler_1": "Nearest"}""");

        Assert.Equal(200, status);
        var image = EmulatorClient.DecodePng(body.GetProperty("image").GetString()!);
        Assert.Equal((100, 100), (image.Width, image.Height));
    }

    [Fact]
    public async Task ExtrasWithoutAnImageIsAnInvalidEncodedImage()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/extra-single-image", """{"upscaling_resize": 3}""");

        Assert.Equal(500, status);
        AssertError(body, "HTTPException", "Invalid encoded image", "");
    }

    [Fact]
    public async Task AnImpossibleSizeFailsAsOutOfMemory()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 65536, "height": 65536}""");

        Assert.Equal(500, status);
        Assert.Equal("OutOfMemoryError", body.GetProperty("error").GetString());
        Assert.Equal("", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SaveImagesAddsAGridBeforeTheImages()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (_, body) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "batch_size": 4, "save_images": true}""");

        var images = body.GetProperty("images").EnumerateArray().Select(image => EmulatorClient.DecodePng(image.GetString()!)).ToList();
        Assert.Equal(5, images.Count);
        Assert.Equal((128, 128), (images[0].Width, images[0].Height));
        using var info = JsonDocument.Parse(body.GetProperty("info").GetString()!);
        Assert.Equal(1, info.RootElement.GetProperty("index_of_first_image").GetInt32());
    }

    internal static void AssertError(JsonElement body, string error, string detail, string errors)
    {
        Assert.Equal(["error", "detail", "body", "errors"], body.EnumerateObject().Select(property => property.Name));
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(detail, body.GetProperty("detail").GetString());
        Assert.Equal("", body.GetProperty("body").GetString());
        Assert.Equal(errors, body.GetProperty("errors").GetString());
    }
}
