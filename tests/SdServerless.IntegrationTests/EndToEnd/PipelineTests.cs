using static SdServerless.IntegrationTests.EndToEnd.PipelineClient;

namespace SdServerless.IntegrationTests.EndToEnd;

/// <summary>Accepted tasks become images in storage: the local host, its emulator and a loopback image server.</summary>
[Trait("Category", "Integration")]
public sealed class PipelineTests : IAsyncLifetime
{
    private LoopbackHttpServer _images = null!;
    private LocalHostProcess _host = null!;

    public async Task InitializeAsync()
    {
        _images = await LoopbackHttpServer.StartAsync();
        var cat = MakePng(96, 64);
        _images.Handler = async (request, context) =>
        {
            if (request.PathAndQuery.StartsWith("/cat.png", StringComparison.Ordinal))
            {
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(cat);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        };
        _host = await LocalHostProcess.StartAsync(null, "--allow-private-network", "--emulator-workers", "2");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _images.DisposeAsync();
    }

    private string SeedWithLocalImage(string file) =>
        Seed(file).Replace(
            "https://huggingface.co/datasets/huggingface/documentation-images/resolve/main/diffusers/cat.png",
            _images.Url("/cat.png").ToString(),
            StringComparison.Ordinal);

    [Theory]
    [InlineData("v1alpha2", "request-v1alpha2.jsonc")]
    [InlineData("v1alpha1", "request-v1alpha1.jsonc")]
    public async Task TheSeedImageToImageExampleProducesANumberedImageAndAResult(string version, string file)
    {
        using var client = new PipelineClient(_host);

        var accepted = await client.SubmitAsync(version, SeedWithLocalImage(file));
        var (final, _) = await client.WaitUntilFinishedAsync("test-i2i");

        Assert.Equal("s3://outputbucket/output/test-i2i", accepted["output_location"]!.GetValue<string>());
        Assert.Equal("succeeded", final["status"]!.GetValue<string>());
        Assert.Equal(["s3://outputbucket/output/test-i2i/test-i2i-1.png"], final["images"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal((512, 512), PngSize(await File.ReadAllBytesAsync(_host.ObjectPath("output/test-i2i/test-i2i-1.png"))));
        Assert.Single(_images.Requests);

        var result = await client.ResultAsync("output", "test-i2i");
        foreach (var field in new[] { "id_task", "runtime", "tasktype", "status", "images", "parameters", "info", "error", "context",
                     "callback_url", "created_at", "started_at", "completed_at", "attempts" })
        {
            Assert.True(result.AsObject().ContainsKey(field), $"result.json lacks {field}: {result}");
        }

        Assert.Equal("image-to-image", result["tasktype"]!.GetValue<string>());
        Assert.Equal("succeeded", result["status"]!.GetValue<string>());
        var image = result["images"]![0]!;
        Assert.Equal("output/test-i2i/test-i2i-1.png", image["key"]!.GetValue<string>());
        Assert.Equal("image/png", image["content_type"]!.GetValue<string>());
        Assert.Equal(new FileInfo(_host.ObjectPath("output/test-i2i/test-i2i-1.png")).Length, image["size"]!.GetValue<long>());
        Assert.NotNull(result["info"]!["all_seeds"]);
        Assert.Equal(1, result["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task TextToImageInBothVersionsAndFourImagesFromABatchOfTwoTimesTwo()
    {
        using var client = new PipelineClient(_host);

        await client.SubmitAsync("v1alpha1", """
            {"alwayson_scripts":{"task":"text-to-image","id_task":"v1-t2i","sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors"},
             "prompt":"a lighthouse","steps":4,"width":256,"height":192}
            """);
        await client.SubmitAsync("v1alpha2", """
            {"task":{"metadata":{"id":"v2-t2i","runtime":"sdruntime","tasktype":"text-to-image","prefix":"renders/batch"},
             "content":{"prompt":"a lighthouse","steps":4,"width":128,"height":64,"batch_size":2,"n_iter":2}}}
            """);

        var (v1, _) = await client.WaitUntilFinishedAsync("v1-t2i");
        var (v2, _) = await client.WaitUntilFinishedAsync("v2-t2i");

        Assert.Equal("succeeded", v1["status"]!.GetValue<string>());
        Assert.Equal((256, 192), PngSize(await File.ReadAllBytesAsync(_host.ObjectPath("output/v1-t2i/v1-t2i-1.png"))));
        Assert.Equal("succeeded", v2["status"]!.GetValue<string>());
        for (var n = 1; n <= 4; n++)
        {
            Assert.Equal((128, 64), PngSize(await File.ReadAllBytesAsync(_host.ObjectPath($"renders/batch/v2-t2i/v2-t2i-{n}.png"))));
        }

        Assert.False(File.Exists(_host.ObjectPath("renders/batch/v2-t2i/v2-t2i-5.png")));
        Assert.Equal(4, v2["images"]!.AsArray().Count);
    }

    [Fact]
    public async Task ExtraSingleImageUpscalesTheInput()
    {
        using var client = new PipelineClient(_host);

        var image = _images.Url("/cat.png");
        await client.SubmitAsync("v1alpha2",
            "{\"task\":{\"metadata\":{\"id\":\"upscale\",\"runtime\":\"sdruntime\",\"tasktype\":\"extra-single-image\"},"
            + "\"content\":{\"image\":\"" + image + "\",\"upscaling_resize\":2,\"upscaler_1\":\"R-ESRGAN 4x+\"}}}");
        var (final, _) = await client.WaitUntilFinishedAsync("upscale");

        Assert.Equal("succeeded", final["status"]!.GetValue<string>());
        Assert.Equal((192, 128), PngSize(await File.ReadAllBytesAsync(_host.ObjectPath("output/upscale/upscale-1.png"))));
    }

    [Fact]
    public async Task AnInputThatAnswers404FailsTheTaskWithAClearError()
    {
        using var client = new PipelineClient(_host);

        await client.SubmitAsync("v1alpha2", SeedWithLocalImage("request-v1alpha2.jsonc").Replace("/cat.png", "/missing.png", StringComparison.Ordinal));
        var (final, _) = await client.WaitUntilFinishedAsync("test-i2i");

        Assert.Equal("failed", final["status"]!.GetValue<string>());
        Assert.Contains("404", final["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var result = await client.ResultAsync("output", "test-i2i");
        Assert.Equal("failed", result["status"]!.GetValue<string>());
        Assert.Empty(result["images"]!.AsArray());
    }
}
