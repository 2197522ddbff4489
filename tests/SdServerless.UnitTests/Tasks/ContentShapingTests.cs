namespace SdServerless.UnitTests.Tasks;

/// <summary>What of the body reaches SD Web UI: everything but the routing keys.</summary>
public class ContentShapingTests
{
    private const string ControlNet = """{"args":[{"enabled":true,"module":"canny"}]}""";

    /// <summary>A runtime whose servers have the ControlNet extension.</summary>
    private static readonly TaskParser WithControlNet = Parsing.Parser(new RuntimeCatalog(
    [
        new RuntimeConfig { Name = "sdruntime", Endpoints = ["http://127.0.0.1:7861"], Models = [RuntimeCatalog.DefaultModel], AlwaysOnScripts = ["ControlNet"] },
    ]));

    [Fact]
    public async Task RoutingKeysAreStrippedAndRealAlwaysOnScriptsKept()
    {
        var body = $$"""
            {
              "alwayson_scripts": {
                "task": "image-to-image", "id_task": "t1", "sd_model_checkpoint": "v1-5-pruned-emaonly.safetensors",
                "image_link": "https://images.example.com/cat.png", "save_dir": "out", "uid": "user-7",
                "callback_url": "https://images.example.com/hook",
                "controlnet": {{ControlNet}}
              },
              "prompt": "cat", "sampler_name": "Euler a", "my_extension": [1, 2]
            }
            """;

        var result = await Parsing.V1(body, WithControlNet);

        Parsing.AssertValid(result);
        var expected = JsonNode.Parse($$"""
            {"alwayson_scripts":{"controlnet":{{ControlNet}}},"prompt":"cat","sampler_name":"Euler a","my_extension":[1,2]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, result.Task!.Content), result.Task.Content.ToJsonString());
    }

    [Fact]
    public async Task AnAlwaysOnScriptsLeftEmptyIsRemoved()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"alwayson_scripts":{"image_link":"https://images.example.com/a.png"},"prompt":"x"}"""));

        Assert.Equal("""{"prompt":"x"}""", result.Task!.Content.ToJsonString());
    }

    [Fact]
    public async Task AV1Alpha2ContentKeepsItsAlwaysOnScriptsButNotRoutingKeys()
    {
        var result = await Parsing.V2(Parsing.V2Body(
            $$"""{"alwayson_scripts":{"id_task":"x","controlnet":{{ControlNet}}},"prompt":"x"}"""), WithControlNet);

        Parsing.AssertValid(result);
        Assert.Equal(
            $$"""{"alwayson_scripts":{"controlnet":{{ControlNet}}},"prompt":"x"}""",
            result.Task!.Content.ToJsonString());
    }

    [Fact]
    public async Task AV1Alpha1ContextInAlwaysOnScriptsBecomesTheTaskContext()
    {
        var body = """{"alwayson_scripts":{"task":"text-to-image","id_task":"t1","sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors","context":{"order":7}}}""";

        var result = await Parsing.V1(body);

        Assert.Equal("""{"order":7}""", result.Task!.Context!.ToJsonString());
        Assert.False(result.Task.Content.ContainsKey("alwayson_scripts"));
    }

    [Fact]
    public async Task AnAlwaysOnScriptThatIsNotAnObjectIsRefusedBeforeSdWebUiChokesOnIt()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"alwayson_scripts":{"controlnet":"on"}}"""));

        Assert.Contains("must be an object", Parsing.SingleError(result, "task.content.alwayson_scripts.controlnet"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AV1Alpha2ContextKeyInAlwaysOnScriptsIsAScriptNotRouting()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"alwayson_scripts":{"context":"x"}}"""));

        Parsing.SingleError(result, "task.content.alwayson_scripts.context");
    }

    [Fact]
    public async Task TheParsedTaskSurvivesASerializationRoundTrip()
    {
        var result = await Parsing.V2(Parsing.Seed("v1alpha2"));
        var json = System.Text.Json.JsonSerializer.Serialize(result.Task!, Core.Json.CoreJsonContext.Default.SdTask);

        var back = System.Text.Json.JsonSerializer.Deserialize(json, Core.Json.CoreJsonContext.Default.SdTask)!;

        Assert.Equal(result.Task!.Id, back.Id);
        Assert.Equal(result.Task.ImageLink, back.ImageLink);
        Assert.True(JsonNode.DeepEquals(result.Task.Content, back.Content));
    }
}
