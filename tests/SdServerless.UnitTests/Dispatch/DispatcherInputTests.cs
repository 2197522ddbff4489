namespace SdServerless.UnitTests.Dispatch;

public sealed class DispatcherInputTests
{
    private static readonly byte[] CatPng = FakeSdWebUi.Png(42);

    [Fact]
    public async Task ImageLinkIsDownloadedIntoInitImagesAndKeptFromTheScripts()
    {
        var harness = new DispatcherHarness();
        harness.Inputs.Files["https://images.example.com/cat.png"] = CatPng;
        var task = DispatcherHarness.Task(
            "i2i",
            TaskType.ImageToImage,
            """{"prompt":"cat wizard","alwayson_scripts":{"controlnet":{"args":[{"enabled":true}]}}}""",
            imageLink: "https://images.example.com/cat.png");
        var record = await harness.EnqueueAndReceiveAsync(task);

        await harness.DispatchAsync(record);

        var (path, body) = harness.SdWebUi.Requests.Single();
        Assert.Equal("/sdapi/v1/img2img", path);
        Assert.Equal(Convert.ToBase64String(CatPng), (string?)body!["init_images"]![0]);
        Assert.True((bool)body["alwayson_scripts"]!["controlnet"]!["args"]![0]!["enabled"]!);
        Assert.Equal("succeeded", (string?)(await harness.ResultAsync("i2i"))!["status"]);
    }

    [Fact]
    public async Task ExtrasTakeTheirImageFromTheLinkAndStoreTheSingleAnswer()
    {
        var harness = new DispatcherHarness();
        harness.Inputs.Files["https://images.example.com/cat.png"] = CatPng;
        var task = DispatcherHarness.Task("up", TaskType.ExtraSingleImage, """{"upscaling_resize":2}""", imageLink: "https://images.example.com/cat.png");
        var record = await harness.EnqueueAndReceiveAsync(task);

        await harness.DispatchAsync(record);

        var (path, body) = harness.SdWebUi.Requests.Single();
        Assert.Equal("/sdapi/v1/extra-single-image", path);
        Assert.Equal(Convert.ToBase64String(CatPng), (string?)body!["image"]);
        Assert.Equal(2, (int)body["upscaling_resize"]!);
        Assert.Equal(["output/up/up-1.png"], (await harness.ResultAsync("up"))!["images"]!.AsArray().Select(i => (string?)i!["key"]));
    }

    [Fact]
    public async Task DataUrlsAreUnwrappedAndUrlsAmongInitImagesAndMaskAreDownloaded()
    {
        var harness = new DispatcherHarness();
        byte[] mask = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
        harness.Inputs.Files["https://images.example.com/a.png"] = CatPng;
        harness.Inputs.Files["https://images.example.com/mask.jpg"] = mask;
        var content = """
            {"prompt":"x","init_images":["https://images.example.com/a.png","data:image/png;base64,iVBORw0KGgo=","iVBORw0KGgo="],
             "mask":"https://images.example.com/mask.jpg"}
            """;
        var record = await harness.EnqueueAndReceiveAsync(DispatcherHarness.Task("many", TaskType.ImageToImage, content));

        await harness.DispatchAsync(record);

        var body = harness.SdWebUi.Generations.Single();
        Assert.Equal([Convert.ToBase64String(CatPng), "iVBORw0KGgo=", "iVBORw0KGgo="], body["init_images"]!.AsArray().Select(i => (string?)i));
        Assert.Equal(Convert.ToBase64String(mask), (string?)body["mask"]);
    }

    [Fact]
    public async Task ADataUrlWithoutBase64IsRefused()
    {
        var harness = new DispatcherHarness();
        var record = await harness.EnqueueAndReceiveAsync(
            DispatcherHarness.Task("text", TaskType.ImageToImage, """{"init_images":["data:text/plain,hello"]}"""));

        await harness.DispatchAsync(record);

        Assert.Equal("input_invalid", (string?)(await harness.ResultAsync("text"))!["error"]!["type"]);
        Assert.Empty(harness.SdWebUi.Requests);
    }
}
