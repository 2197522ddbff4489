namespace SdServerless.UnitTests.Tasks;

public class SeedExampleTests
{
    private const string CatUrl = "https://huggingface.co/datasets/huggingface/documentation-images/resolve/main/diffusers/cat.png";

    [Fact]
    public async Task TheSeedV1Alpha2ImageToImageExampleParsesAsWritten()
    {
        var result = await Parsing.V2(Parsing.Seed(ApiVersion.V1Alpha2));

        Parsing.AssertValid(result);
        var task = result.Task!;
        Assert.Equal(ApiVersion.V1Alpha2, task.ApiVersion);
        Assert.Equal("test-i2i", task.Id);
        Assert.Equal("sdruntime", task.Runtime);
        Assert.Equal(TaskType.ImageToImage, task.TaskType);
        Assert.Equal("output", task.Prefix);
        Assert.Equal(CatUrl, task.ImageLink);
        Assert.Equal("", task.Context!.GetValue<string>());
        Assert.Null(task.Model);
        Assert.Null(task.CallbackUrl);
        Assert.Equal(16, task.Content["steps"]!.GetValue<int>());
        Assert.StartsWith("cat wizard", task.Content["prompt"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(task.Content.ContainsKey("alwayson_scripts"));
        Assert.Matches("^[0-9a-f]{64}$", result.RequestHash);
    }

    [Fact]
    public async Task TheSeedV1Alpha1ImageToImageExampleParsesAsWritten()
    {
        var result = await Parsing.V1(Parsing.Seed(ApiVersion.V1Alpha1));

        Parsing.AssertValid(result);
        var task = result.Task!;
        Assert.Equal(ApiVersion.V1Alpha1, task.ApiVersion);
        Assert.Equal("test-i2i", task.Id);
        Assert.Equal("sdruntime", task.Runtime);
        Assert.Equal(TaskType.ImageToImage, task.TaskType);
        Assert.Equal("output", task.Prefix);
        Assert.Equal("v1-5-pruned-emaonly.safetensors", task.Model);
        Assert.Equal(CatUrl, task.ImageLink);
        Assert.Null(task.Context);
        Assert.Equal(
            JsonNode.Parse("""{"prompt":"cat wizard, gandalf, lord of the rings, detailed, fantasy, cute, adorable, Pixar, Disney, 8k","steps":16,"width":512,"height":512}"""),
            task.Content,
            JsonNode.DeepEquals);
    }

    [Fact]
    public async Task TheSeedExamplesNeedTheirCommentsSkippedAndTrailingCommaAllowed()
    {
        var seed = Parsing.Seed(ApiVersion.V1Alpha1);

        Assert.Contains("// Required", seed, StringComparison.Ordinal);
        Assert.Matches(@"switching\n\s*\},", seed);
        Assert.True((await Parsing.V1(seed)).IsValid);
    }

    [Fact]
    public async Task TheSeedExamplesAreRefusedWhenTheirImageLinkPointsAtAPrivateHost()
    {
        var seed = Parsing.Seed(ApiVersion.V1Alpha2).Replace("huggingface.co", Parsing.PrivateHost, StringComparison.Ordinal);

        var message = Parsing.SingleError(await Parsing.V2(seed), "task.content.alwayson_scripts.image_link");

        Assert.Contains("non-public", message, StringComparison.Ordinal);
    }
}
