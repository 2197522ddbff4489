namespace SdServerless.UnitTests.Tasks;

/// <summary>The API's rules for id, runtime, task type and model.</summary>
public class IdentityRuleTests
{
    [Fact]
    public async Task SubmittingWithoutIdListsTheMissingField()
    {
        var message = Parsing.SingleError(await Parsing.V2(Parsing.V2Body(id: null)), "task.metadata.id");

        Assert.Equal("is required", message);
    }

    [Fact]
    public async Task AV1Alpha1TaskWithoutIdTaskListsTheMissingField()
    {
        var body = """{"alwayson_scripts":{"task":"text-to-image","sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors"}}""";

        Assert.Equal("is required", Parsing.SingleError(await Parsing.V1(body), "alwayson_scripts.id_task"));
    }

    [Fact]
    public async Task AV1Alpha1BodyWithoutAlwaysOnScriptsListsEveryMissingRoutingKey()
    {
        var result = await Parsing.V1("""{"prompt":"a cat"}""");

        Assert.Equal(
            ["alwayson_scripts.task", "alwayson_scripts.id_task", "alwayson_scripts.sd_model_checkpoint"],
            result.Errors.Select(e => e.Field));
        Assert.All(result.Errors, e => Assert.Equal("is required", e.Message));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("tâche")]
    [InlineData("a\\b")]
    public async Task AnIdThatIsNotASafeKeySegmentIsRefused(string id)
    {
        var body = Parsing.V2Body(id: System.Text.Json.JsonSerializer.Serialize(id, Core.Json.CoreJsonContext.Default.String));

        Parsing.SingleError(await Parsing.V2(body), "task.metadata.id");
    }

    [Fact]
    public async Task AnIdOf128CharactersIsAcceptedAnd129AreNot()
    {
        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body(id: $"\"{new string('a', 128)}\"")));

        Parsing.SingleError(await Parsing.V2(Parsing.V2Body(id: $"\"{new string('a', 129)}\"")), "task.metadata.id");
    }

    [Fact]
    public async Task AnIdThatIsNotAStringIsAFieldError()
    {
        Assert.Equal("must be a string", Parsing.SingleError(await Parsing.V2(Parsing.V2Body(id: "42")), "task.metadata.id"));
    }

    [Fact]
    public async Task SubmittingWithoutRuntimeListsTheMissingField()
    {
        Assert.Equal("is required", Parsing.SingleError(await Parsing.V2(Parsing.V2Body(runtime: null)), "task.metadata.runtime"));
    }

    [Fact]
    public async Task AnUnknownRuntimeIsRefusedWithTheKnownOnesListed()
    {
        var catalog = new RuntimeCatalog([Runtime("fast"), Runtime("sdxl")]);

        var result = await Parsing.V2(Parsing.V2Body(runtime: "\"slow\""), Parsing.Parser(catalog));

        Assert.Equal("'slow' is not a configured runtime (known: fast, sdxl)", Parsing.SingleError(result, "task.metadata.runtime"));
    }

    [Fact]
    public async Task SubmittingWithoutTaskTypeListsTheMissingField()
    {
        Assert.Equal("is required", Parsing.SingleError(await Parsing.V2(Parsing.V2Body(tasktype: null)), "task.metadata.tasktype"));
    }

    [Fact]
    public async Task AnUnknownTaskTypeIsRefusedWithTheKnownOnesListed()
    {
        var message = Parsing.SingleError(await Parsing.V2(Parsing.V2Body(tasktype: "\"image-to-video\"")), "task.metadata.tasktype");

        Assert.Equal("must be one of text-to-image, image-to-image, extra-single-image", message);
    }

    [Fact]
    public async Task AV1Alpha1TaskWithoutModelIsRefusedNotRoutedSomewhere()
    {
        var body = """{"alwayson_scripts":{"task":"text-to-image","id_task":"t1"}}""";

        Assert.Equal("is required", Parsing.SingleError(await Parsing.V1(body), "alwayson_scripts.sd_model_checkpoint"));
    }

    [Fact]
    public async Task AV1Alpha1ModelNoRuntimeServesIsRefusedWithTheServedOnesListed()
    {
        var body = """{"alwayson_scripts":{"task":"text-to-image","id_task":"t1","sd_model_checkpoint":"sdxl.safetensors"}}""";

        var message = Parsing.SingleError(await Parsing.V1(body), "alwayson_scripts.sd_model_checkpoint");

        Assert.Equal("'sdxl.safetensors' is not served by any runtime (known: v1-5-pruned-emaonly.safetensors)", message);
    }

    [Fact]
    public async Task AV1Alpha1TaskGoesToTheFirstRuntimeServingItsModel()
    {
        var catalog = new RuntimeCatalog([Runtime("a", "m1"), Runtime("b", "m2"), Runtime("c", "m2")]);
        var body = """{"alwayson_scripts":{"task":"text-to-image","id_task":"t1","sd_model_checkpoint":"m2"}}""";

        var result = await Parsing.V1(body, Parsing.Parser(catalog));

        Parsing.AssertValid(result);
        Assert.Equal("b", result.Task!.Runtime);
        Assert.Equal("m2", result.Task.Model);
    }

    [Fact]
    public async Task AV1Alpha2ModelOverrideBecomesTheTaskModel()
    {
        var body = Parsing.V2Body("""{"override_settings":{"sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors","CLIP_stop_at_last_layers":2}}""");

        var result = await Parsing.V2(body);

        Parsing.AssertValid(result);
        Assert.Equal("v1-5-pruned-emaonly.safetensors", result.Task!.Model);
        Assert.Equal(2, result.Task.Content["override_settings"]!["CLIP_stop_at_last_layers"]!.GetValue<int>());
    }

    [Fact]
    public async Task AV1Alpha2ModelOverrideTheRuntimeDoesNotServeIsRefused()
    {
        var body = Parsing.V2Body("""{"override_settings":{"sd_model_checkpoint":"other.ckpt"}}""");

        var message = Parsing.SingleError(await Parsing.V2(body), "task.content.override_settings.sd_model_checkpoint");

        Assert.Equal("'other.ckpt' is not served by runtime 'sdruntime' (it serves: v1-5-pruned-emaonly.safetensors)", message);
    }

    internal static RuntimeConfig Runtime(string name, params string[] models) =>
        new() { Name = name, Endpoints = ["http://127.0.0.1:7861"], Models = models };
}
