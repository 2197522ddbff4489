namespace SdServerless.UnitTests.Tasks;

/// <summary>Generation bounds (the defaults of docs/api.md, and a runtime's own).</summary>
public class BoundsRuleTests
{
    [Theory]
    [InlineData("width", "2056", "must be between 64 and 2048")]
    [InlineData("height", "56", "must be between 64 and 2048")]
    [InlineData("width", "500", "must be a multiple of 8")]
    [InlineData("steps", "0", "must be between 1 and 150")]
    [InlineData("steps", "151", "must be between 1 and 150")]
    [InlineData("batch_size", "0", "must be between 1 and 16")]
    [InlineData("n_iter", "17", "must be between 1 and 16")]
    [InlineData("cfg_scale", "30.5", "must be between 0 and 30")]
    [InlineData("cfg_scale", "-1", "must be between 0 and 30")]
    [InlineData("denoising_strength", "1.5", "must be between 0 and 1")]
    public async Task AValueOutsideTheDefaultBoundsIsRefused(string field, string value, string expected)
    {
        var result = await Parsing.V2(Parsing.V2Body($$"""{"{{field}}":{{value}}}"""));

        Assert.Equal(expected, Parsing.SingleError(result, "task.content." + field));
    }

    [Theory]
    [InlineData("""{"width":64,"height":2048,"steps":1,"cfg_scale":0,"denoising_strength":1}""")]
    [InlineData("""{"width":2048,"height":64,"steps":150,"cfg_scale":30,"denoising_strength":0}""")]
    [InlineData("""{"batch_size":4,"n_iter":4}""")]
    [InlineData("""{"width":512.0,"steps":2e1}""")]
    [InlineData("""{"seed":null,"subseed":null,"sampler_name":null}""")]
    public async Task ValuesAtTheBoundsAreAccepted(string content)
    {
        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body(content)));
    }

    [Fact]
    public async Task MoreThanSixteenImagesPerTaskIsRefused()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"batch_size":4,"n_iter":5}"""));

        Assert.Equal("batch_size × n_iter must be at most 16 (is 20)", Parsing.SingleError(result, "task.content.batch_size"));
    }

    [Fact]
    public async Task ARuntimesOwnBoundsApply()
    {
        var catalog = new RuntimeCatalog([new RuntimeConfig
        {
            Name = "sdruntime",
            Models = ["m"],
            Bounds = new GenerationBounds { MaxSteps = 30, MaxSize = 1024, SizeMultiple = 64, MaxImages = 4 },
        }]);
        var parser = Parsing.Parser(catalog);

        var result = await Parsing.V2(Parsing.V2Body("""{"steps":31,"width":1088,"height":520,"batch_size":5}"""), parser);

        Assert.Equal(
            ["task.content.width: must be between 64 and 1024", "task.content.height: must be a multiple of 64",
             "task.content.steps: must be between 1 and 30", "task.content.batch_size: must be between 1 and 4"],
            result.Errors.Select(e => $"{e.Field}: {e.Message}"));
    }

    [Fact]
    public async Task AJobWhoseEveryValueIsWithinItsBoundButThatNoDeadlineFitsIsRefused()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"width":2048,"height":2048,"steps":150,"batch_size":16}"""));

        var message = Parsing.SingleError(result, "task.content.steps");
        Assert.StartsWith("asks for 10066 megapixel-steps", message, StringComparison.Ordinal);
        Assert.Contains("at most 2000", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"width":1024,"height":1024,"steps":50,"batch_size":4}""", true)]
    [InlineData("""{"width":1024,"height":1024,"steps":40,"batch_size":8,"enable_hr":true,"hr_scale":2}""", true)]
    [InlineData("""{"width":1024,"height":1024,"steps":60,"batch_size":8,"enable_hr":true,"hr_scale":2}""", false)]
    [InlineData("""{"width":1024,"height":1024,"steps":60,"batch_size":8,"enable_hr":false,"hr_scale":2}""", true)]
    [InlineData("""{"width":1024,"height":1024,"steps":20,"batch_size":8,"enable_hr":true,"hr_resize_x":2048,"hr_resize_y":2048,"hr_second_pass_steps":150}""", false)]
    public async Task TheHiresPassCountsOnlyWhenItRuns(string content, bool accepted)
    {
        Parsing.AssertAcceptedOrRefused(await Parsing.V2(Parsing.V2Body(content)), accepted, "task.content.steps", "plus the hires pass");
    }

    [Fact]
    public async Task ARuntimeMayLiftTheWorkBound()
    {
        var catalog = new RuntimeCatalog([new RuntimeConfig { Name = "sdruntime", Models = ["m"], Bounds = new GenerationBounds { MaxMegapixelSteps = 0 } }]);

        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body("""{"width":2048,"height":2048,"steps":150,"batch_size":16}"""), Parsing.Parser(catalog)));
    }

    [Fact]
    public async Task V1Alpha1BoundsErrorsNameTheFlatField()
    {
        var body = """{"alwayson_scripts":{"task":"text-to-image","id_task":"t1","sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors"},"steps":500}""";

        Assert.Equal("must be between 1 and 150", Parsing.SingleError(await Parsing.V1(body), "steps"));
    }
}
