using SdServerless.Emulator.Images;
using static SdServerless.IntegrationTests.Emulator.EmulatorGenerationTests;

namespace SdServerless.IntegrationTests.Emulator;

/// <summary>Inputs, outputs and extras as SD Web UI 1.10 treats them.</summary>
[Trait("Category", "Integration")]
public sealed class EmulatorInputRulesTests
{
    public static string Png(int width, int height) => Convert.ToBase64String(PngEncoder.Encode(width, height, 3, PlaceholderImage.Rows(width, height, 5)));

    [Theory]
    [InlineData("https://127.0.0.1/unit.png", "Request to local resource not allowed")]
    [InlineData("http://images.example.com:8080/unit.png", "Request to local resource not allowed")]
    [InlineData("https://images.example.com/unit.png", "Invalid image url")]
    public async Task UrlsInScriptArgumentsAreRefusedAsTheApiRefusesInputUrls(string url, string detail)
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { AlwaysOnScripts = ["ControlNet"] });
        await using var requestsOff = await EmulatorClient.StartAsync(new EmulatorOptions { ApiEnableRequests = false });

        var (status, body) = await client.PostJsonAsync("sdapi/v1/txt2img",
            """{"alwayson_scripts": {"ControlNet": {"args": [{"enabled": true, "image": {"image": """ + $"\"{url}\"" + "}}]}}}");
        var (offStatus, off) = await requestsOff.PostJsonAsync("sdapi/v1/img2img", $$"""{"init_images": ["{{url}}"]}""");

        Assert.Equal((500, 500), (status, offStatus));
        AssertError(body, "HTTPException", detail, "");
        AssertError(off, "HTTPException", "Requests not allowed", "");
    }

    [Fact]
    public async Task AnEmptyMaskIsNotNoMaskButAFailure()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (status, body) = await client.PostJsonAsync("sdapi/v1/img2img", $$"""{"init_images": ["{{Png(64, 64)}}"], "mask": ""}""");

        Assert.Equal(500, status);
        AssertError(body, "AttributeError", "", "'str' object has no attribute 'mode'");
    }

    [Fact]
    public async Task MoreInitImagesThanTheBatchFailsAndFewerLowerTheBatch()
    {
        await using var client = await EmulatorClient.StartAsync();
        var image = Png(64, 64);

        var (tooManyStatus, tooMany) = await client.PostJsonAsync("sdapi/v1/img2img", $$"""{"init_images": ["{{image}}", "{{image}}", "{{image}}"], "batch_size": 2}""");
        var (_, two) = await client.PostJsonAsync("sdapi/v1/img2img", $$"""{"init_images": ["{{image}}", "{{image}}"], "batch_size": 4, "width": 64, "height": 64}""");
        var (_, one) = await client.PostJsonAsync("sdapi/v1/img2img", $$"""{"init_images": ["{{image}}"], "batch_size": 3, "width": 64, "height": 64}""");

        Assert.Equal(500, tooManyStatus);
        AssertError(tooMany, "RuntimeError", "", "bad number of images passed: 3; expecting 2 or less");
        Assert.Equal(2, two.GetProperty("images").GetArrayLength());
        Assert.Equal(3, one.GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task SendImagesFalseReturnsNoImagesAndSaveImagesPutsTheGridFirst()
    {
        await using var client = await EmulatorClient.StartAsync();

        var (_, none) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "batch_size": 2, "send_images": false}""");
        var (_, grid) = await client.PostJsonAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64, "batch_size": 2, "save_images": true}""");

        Assert.Equal(0, none.GetProperty("images").GetArrayLength());
        Assert.Equal(3, grid.GetProperty("images").GetArrayLength());
        Assert.Equal((128, 64), Size(grid.GetProperty("images")[0].GetString()!));
    }

    [Fact]
    public async Task ExtrasKeepTheSizeWithoutAnUpscalerFloorToEightWithOneAndValidateTheirBounds()
    {
        await using var client = await EmulatorClient.StartAsync();
        var image = Png(50, 30);

        var (_, none) = await client.PostJsonAsync("sdapi/v1/extra-single-image", $$"""{"image": "{{image}}", "upscaling_resize": 2}""");
        var (_, scaled) = await client.PostJsonAsync("sdapi/v1/extra-single-image", $$"""{"image": "{{image}}", "upscaling_resize": 1.5, "upscaler_1": "Lanczos"}""");
        var (unknownStatus, unknown) = await client.PostJsonAsync("sdapi/v1/extra-single-image", $$"""{"image": "{{image}}", "upscaler_1": "Magic 8x"}""");
        var (boundsStatus, bounds) = await client.PostJsonAsync("sdapi/v1/extra-single-image",
            $$"""{"image": "{{image}}", "gfpgan_visibility": 1.5, "codeformer_weight": -1, "upscaling_resize_w": 0}""");

        Assert.Equal((50, 30), Size(none.GetProperty("image").GetString()!));
        Assert.Equal((72, 40), Size(scaled.GetProperty("image").GetString()!));
        Assert.Equal(500, unknownStatus);
        AssertError(unknown, "AssertionError", "", "could not find upscaler named Magic 8x");
        Assert.Equal(422, boundsStatus);
        Assert.Equal(["gfpgan_visibility:value_error.number.not_le", "codeformer_weight:value_error.number.not_ge", "upscaling_resize_w:value_error.number.not_ge"],
            bounds.GetProperty("detail").EnumerateArray().Select(d => $"{d.GetProperty("loc")[1].GetString()}:{d.GetProperty("type").GetString()}"));
    }

    private static (int Width, int Height) Size(string base64)
    {
        var image = EmulatorClient.DecodePng(base64);
        return (image.Width, image.Height);
    }
}
