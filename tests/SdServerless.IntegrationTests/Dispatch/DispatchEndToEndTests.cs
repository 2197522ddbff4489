namespace SdServerless.IntegrationTests.Dispatch;

/// <summary>The dispatcher against the SD Web UI emulator over HTTP, with the local host's store and queue.</summary>
[Trait("Category", "Integration")]
public sealed class DispatchEndToEndTests
{
    [Fact]
    public async Task TextToImageWithTwoBatchesOfTwoStoresFourNumberedPngsOfTheRequestedSize()
    {
        await using var bed = await DispatchTestbed.StartAsync();
        await bed.SubmitAsync(DispatchTestbed.Task("t2i", TaskType.TextToImage, """{"prompt":"a cat","width":96,"height":64,"batch_size":2,"n_iter":2,"seed":7}"""));

        var responses = await bed.DrainAsync();

        Assert.All(responses, r => Assert.Empty(r.BatchItemFailures));
        var result = await bed.ResultAsync("t2i");
        Assert.Equal("succeeded", (string?)result["status"]);
        var keys = result["images"]!.AsArray().Select(i => (string)i!["key"]!).ToList();
        Assert.Equal(["output/t2i/t2i-1.png", "output/t2i/t2i-2.png", "output/t2i/t2i-3.png", "output/t2i/t2i-4.png"], keys);
        foreach (var key in keys)
        {
            var image = (await bed.Store.GetAsync(key, CancellationToken.None))!;
            Assert.Equal((96, 64), DispatchTestbed.PngSize(image.Content.Span));
            Assert.Equal("image/png", image.ContentType);
        }

        Assert.Equal(4, result["info"]!["all_seeds"]!.AsArray().Count);
        Assert.Equal("a cat", (string?)result["parameters"]!["prompt"]);
        Assert.Equal(1, (int)result["attempts"]!);
        Assert.Equal("ctx", (string?)result["context"]);
    }

    [Fact]
    public async Task ImageToImageDownloadsItsImageLink()
    {
        await using var bed = await DispatchTestbed.StartAsync();
        var input = await bed.RenderPngAsync(64, 64);
        bed.Images.Handler = (_, context) => context.Response.Body.WriteAsync(input).AsTask();
        var link = bed.Images.Url("cat.png").ToString();
        await bed.SubmitAsync(DispatchTestbed.Task("i2i", TaskType.ImageToImage, """{"prompt":"cat wizard","steps":16,"width":128,"height":96}""", EmulatorOptions.DefaultModel, link));

        await bed.DrainAsync();

        var result = await bed.ResultAsync("i2i");
        Assert.Equal("succeeded", (string?)result["status"]);
        var image = (await bed.Store.GetAsync("output/i2i/i2i-1.png", CancellationToken.None))!;
        Assert.Equal((128, 96), DispatchTestbed.PngSize(image.Content.Span));
        Assert.Single(bed.Images.Requests);
    }

    [Fact]
    public async Task ExtrasScaleTheDownloadedImage()
    {
        await using var bed = await DispatchTestbed.StartAsync();
        var input = await bed.RenderPngAsync(64, 48);
        bed.Images.Handler = (_, context) => context.Response.Body.WriteAsync(input).AsTask();
        await bed.SubmitAsync(DispatchTestbed.Task("up", TaskType.ExtraSingleImage, """{"upscaling_resize":2,"upscaler_1":"Nearest"}""", imageLink: bed.Images.Url("in.png").ToString()));

        await bed.DrainAsync();

        var image = (await bed.Store.GetAsync("output/up/up-1.png", CancellationToken.None))!;
        Assert.Equal((128, 96), DispatchTestbed.PngSize(image.Content.Span));
        Assert.Equal("succeeded", (string?)(await bed.ResultAsync("up"))["status"]);
    }

    [Fact]
    public async Task ServiceUnavailableThenSuccessSucceedsOnTheSecondAttempt()
    {
        var faults = new ScriptedFaults().Then(EmulatorFault.ServiceUnavailable());
        await using var bed = await DispatchTestbed.StartAsync(new EmulatorOptions { Faults = faults.Next });
        await bed.SubmitAsync(DispatchTestbed.Task("flaky", TaskType.TextToImage, """{"prompt":"x","width":64,"height":64}"""));

        var responses = await bed.DrainAsync();

        Assert.Single(responses[0].BatchItemFailures);
        var result = await bed.ResultAsync("flaky");
        Assert.Equal("succeeded", (string?)result["status"]);
        Assert.Equal(2, (int)result["attempts"]!);
    }

    [Fact]
    public async Task AlwaysUnavailableFailsAfterTheAttemptLimit()
    {
        var faults = new ScriptedFaults().ThenAlways(EmulatorFault.ServiceUnavailable());
        await using var bed = await DispatchTestbed.StartAsync(new EmulatorOptions { Faults = faults.Next }, maxAttempts: 3);
        await bed.SubmitAsync(DispatchTestbed.Task("down", TaskType.TextToImage, """{"prompt":"x"}"""));

        await bed.DrainAsync();

        var result = await bed.ResultAsync("down");
        Assert.Equal("failed", (string?)result["status"]);
        Assert.Equal("pool_unavailable", (string?)result["error"]!["type"]);
        Assert.Equal(3, (int)result["attempts"]!);
        Assert.Equal(3, faults.Injected);
        Assert.Equal(0, await bed.Queue.GetApproximateDepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AValidationErrorFailsAtOnceWithSdWebUisMessage()
    {
        await using var bed = await DispatchTestbed.StartAsync();
        await bed.SubmitAsync(DispatchTestbed.Task("bad", TaskType.TextToImage, """{"prompt":"x","steps":"many"}"""));

        await bed.DrainAsync();

        var result = await bed.ResultAsync("bad");
        Assert.Equal("failed", (string?)result["status"]);
        Assert.Equal("sdwebui_rejected", (string?)result["error"]!["type"]);
        Assert.Contains("steps", (string?)result["error"]!["message"], StringComparison.Ordinal);
        Assert.Contains("422", (string?)result["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(1, (int)result["attempts"]!);
    }

    [Fact]
    public async Task AnUnknownModelFailsWithoutAGeneration()
    {
        await using var bed = await DispatchTestbed.StartAsync();
        await bed.SubmitAsync(DispatchTestbed.Task("nomodel", TaskType.TextToImage, """{"prompt":"x"}""", model: "sd_xl_base_1.0.safetensors"));

        await bed.DrainAsync();

        var error = (await bed.ResultAsync("nomodel"))["error"]!;
        Assert.Equal("unknown_model", (string?)error["type"]);
        Assert.Contains("sd_xl_base_1.0.safetensors", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(0, bed.Emulator.Emulator.RequestCount);
    }

    [Fact]
    public async Task APoisonMessageEndsInTheDeadLetterQueueWhileOthersSucceed()
    {
        await using var bed = await DispatchTestbed.StartAsync();
        await bed.Queue.SendAsync("{\"not\":\"a task\"}", TimeSpan.Zero, CancellationToken.None);
        await bed.SubmitAsync(DispatchTestbed.Task("fine", TaskType.TextToImage, """{"prompt":"x","width":64,"height":64}"""));

        var responses = await bed.DrainAsync();

        Assert.All(responses, r => Assert.True(r.BatchItemFailures.Count <= 1));
        Assert.Equal("succeeded", (string?)(await bed.ResultAsync("fine"))["status"]);
        var dead = await bed.Queue.DeadLetter!.ReceiveAsync(10, TimeSpan.FromMinutes(1), TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(["{\"not\":\"a task\"}"], dead.Select(m => m.Body));
    }
}
