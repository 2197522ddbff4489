namespace SdServerless.UnitTests.Tasks;

public class PrefixRuleTests
{
    [Theory]
    [InlineData("../x")]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("..")]
    [InlineData("a b")]
    [InlineData("a\\b")]
    [InlineData("_sdserverless")]
    [InlineData("_sdserverless/tasks")]
    [InlineData("//")]
    public async Task APrefixThatCouldEscapeItsFolderIsRefused(string prefix)
    {
        var body = Parsing.V2Body(extraMetadata: $"\"prefix\":{Json(prefix)}");

        Parsing.SingleError(await Parsing.V2(body), "task.metadata.prefix");
    }

    [Fact]
    public async Task APrefixLongerThan256CharactersIsRefused()
    {
        var prefix = string.Join('/', Enumerable.Repeat("abcdefghi", 26));

        Assert.True(prefix.Length > 256);
        Assert.Equal("must be at most 256 characters", Parsing.SingleError(
            await Parsing.V2(Parsing.V2Body(extraMetadata: $"\"prefix\":\"{prefix}\"")), "task.metadata.prefix"));
    }

    [Theory]
    [InlineData("out/2024-01_x.y", "out/2024-01_x.y")]
    [InlineData("out/", "out")]
    [InlineData("a/_sdserverless", "a/_sdserverless")]
    public async Task ASafePrefixIsKeptWithoutItsTrailingSlash(string prefix, string expected)
    {
        var result = await Parsing.V2(Parsing.V2Body(extraMetadata: $"\"prefix\":\"{prefix}\""));

        Parsing.AssertValid(result);
        Assert.Equal(expected, result.Task!.Prefix);
    }

    [Fact]
    public async Task WithoutPrefixTheRuntimesDefaultPrefixIsUsed()
    {
        var catalog = new RuntimeCatalog([new RuntimeConfig
        {
            Name = "sdruntime", Endpoints = ["http://127.0.0.1:1"], Models = ["m"], DefaultPrefix = "images/sd",
        }]);

        var result = await Parsing.V2(Parsing.V2Body(extraMetadata: "\"prefix\":\"\""), Parsing.Parser(catalog));

        Assert.Equal("images/sd", result.Task!.Prefix);
    }

    [Fact]
    public async Task AV1Alpha1SaveDirIsThePrefixAndIsCheckedTheSameWay()
    {
        const string Body = """{"alwayson_scripts":{"task":"text-to-image","id_task":"t1","sd_model_checkpoint":"v1-5-pruned-emaonly.safetensors","save_dir":"SAVE"}}""";

        var good = await Parsing.V1(Body.Replace("SAVE", "mine/today", StringComparison.Ordinal));
        var bad = await Parsing.V1(Body.Replace("SAVE", "../etc", StringComparison.Ordinal));

        Assert.Equal("mine/today", good.Task!.Prefix);
        Parsing.SingleError(bad, "alwayson_scripts.save_dir");
    }

    private static string Json(string value) =>
        System.Text.Json.JsonSerializer.Serialize(value, Core.Json.CoreJsonContext.Default.String);
}
