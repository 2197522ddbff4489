namespace SdServerless.UnitTests.Runtimes;

public class RuntimeCatalogTests
{
    [Fact]
    public void TheDefaultCatalogServesTheSeedModelAsSdruntime()
    {
        var catalog = RuntimeCatalog.Default(["http://127.0.0.1:7861"]);

        var runtime = Assert.Single(catalog.Runtimes);
        Assert.Equal("sdruntime", runtime.Name);
        Assert.Equal("sdwebui", runtime.Type);
        Assert.Equal(["http://127.0.0.1:7861"], runtime.Endpoints);
        Assert.Equal("output", runtime.DefaultPrefix);
        Assert.Equal(150, runtime.Bounds.MaxSteps);
        Assert.Same(runtime, catalog.FindByModel("v1-5-pruned-emaonly.safetensors"));
        Assert.Equal(["sdruntime"], catalog.Names);
    }

    [Fact]
    public void ARuntimesFileIsReadInSnakeCaseWithItsBounds()
    {
        var catalog = RuntimeCatalog.Parse("""
            {
              "runtimes": [
                {
                  "name": "sd15", "type": "sdwebui", "endpoints": ["http://10.0.0.5:7861", "https://gpu.internal/"],
                  "models": ["v1-5-pruned-emaonly.safetensors"], "default_prefix": "sd15/out",
                  "bounds": { "max_size": 1024, "size_multiple": 64, "max_steps": 50, "max_images": 4, "max_cfg_scale": 15 }
                },
                { "name": "sdxl", "endpoints": ["http://10.0.0.6:7861"], "models": ["sdxl.safetensors", "v1-5-pruned-emaonly.safetensors"] }, // trailing comma
              ]
            }
            """);

        Assert.Equal(["sd15", "sdxl"], catalog.Names);
        var sd15 = catalog.Find("sd15")!;
        Assert.Equal("sd15/out", sd15.DefaultPrefix);
        Assert.Equal(2, sd15.Endpoints.Count);
        Assert.Equal((1024, 64, 50, 4, 15.0, 64, 1), (sd15.Bounds.MaxSize, sd15.Bounds.SizeMultiple, sd15.Bounds.MaxSteps,
            sd15.Bounds.MaxImages, sd15.Bounds.MaxCfgScale, sd15.Bounds.MinSize, sd15.Bounds.MinSteps));
        Assert.Equal("output", catalog.Find("sdxl")!.DefaultPrefix);
        Assert.Equal(2048, catalog.Find("sdxl")!.Bounds.MaxSize);
    }

    [Fact]
    public void AModelServedBySeveralRuntimesGoesToTheFirst()
    {
        var catalog = RuntimeCatalog.Parse("""
            {"runtimes":[{"name":"a","endpoints":[],"models":["m1"]},{"name":"b","endpoints":[],"models":["m2"]},{"name":"c","endpoints":[],"models":["m2"]}]}
            """);

        Assert.Equal("b", catalog.FindByModel("m2")!.Name);
        Assert.Null(catalog.FindByModel("M2"));
        Assert.Null(catalog.Find("A"));
        Assert.Equal(["m1", "m2"], catalog.Models());
    }

    [Fact]
    public void EveryProblemOfAConfigurationIsListedInOneError()
    {
        var error = Assert.Throws<FormatException>(() => RuntimeCatalog.Parse("""
            {"runtimes":[
              {"name":"a","type":"comfyui","endpoints":["not a url"],"models":["m"]},
              {"name":"a","endpoints":["ftp://x/"],"models":[""],"default_prefix":"../up"},
              {"name":"b/c","endpoints":["http://u:p@x/"],"models":["m"],"bounds":{"min_size":4096}}
            ]}
            """));

        Assert.Contains("runtimes[0].type 'comfyui' is not supported (known: sdwebui)", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[0].endpoints[0] 'not a url'", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[1].name 'a' is used by more than one runtime", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[1].endpoints[0] 'ftp://x/'", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[1].models[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[1].default_prefix '../up'", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[2].name 'b/c'", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[2].endpoints[0] 'http://u:p@x/'", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[2].bounds: min_size", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"runtimes":[]}""", "must list at least one runtime")]
    [InlineData("{}", "must list at least one runtime")]
    [InlineData("""{"runtimes":[{"endpoints":[]}]}""", "name")]
    [InlineData("""{"runtimes":[{"name":"a","endpoints":null}]}""", "runtimes[0].endpoints must be an array")]
    [InlineData("""{"runtimes":[null]}""", "runtimes[0] must be an object")]
    [InlineData("""{"runtimes":"sdruntime"}""", "Invalid runtime configuration")]
    [InlineData("not json", "Invalid runtime configuration")]
    public void AnUnusableConfigurationIsAFormatError(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => RuntimeCatalog.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CredentialsComeInlineOrFromASecretButNotBothAndAreNeverRepeatedInAnError()
    {
        var catalog = RuntimeCatalog.Parse("""
            {"runtimes":[{"name":"a","endpoints":[],"models":["m"],"api_auth_secret":"arn:aws:secretsmanager:eu-west-1:1:secret:sd"}]}
            """);
        var error = Assert.Throws<FormatException>(() => RuntimeCatalog.Parse("""
            {"runtimes":[
              {"name":"a","endpoints":[],"models":["m"],"api_auth":"pool:hunter2","api_auth_secret":"sd"},
              {"name":"b","endpoints":[],"models":["m"],"api_auth_secret":" "},
              {"name":"c","endpoints":[],"models":["m"],"api_auth":"hunter2"}
            ]}
            """));

        Assert.Equal("arn:aws:secretsmanager:eu-west-1:1:secret:sd", catalog.Find("a")!.ApiAuthSecret);
        Assert.Contains("runtimes[0] has both api_auth and api_auth_secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[1].api_auth_secret must name a Secrets Manager secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("runtimes[2].api_auth must be \"user:password\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimesWithoutEndpointsCanBeGivenDefaultOnes()
    {
        var catalog = RuntimeCatalog.Parse("""{"runtimes":[{"name":"a","models":["m"]},{"name":"b","endpoints":["http://gpu:7861"]}]}""");

        var filled = catalog.WithDefaultEndpoints(["http://127.0.0.1:9000"]);

        Assert.Equal(["http://127.0.0.1:9000"], filled.Find("a")!.Endpoints);
        Assert.Equal(["m"], filled.Find("a")!.Models);
        Assert.Equal(["http://gpu:7861"], filled.Find("b")!.Endpoints);
    }

    [Fact]
    public void DefaultEndpointsChangeNothingElseOfARuntime()
    {
        var catalog = RuntimeCatalog.Parse("""
            {"runtimes":[{"name":"a","models":["m"],"default_prefix":"out","queue_url":"https://sqs.eu-west-1.amazonaws.com/1/q",
              "api_auth":"user:password","bounds":{"max_steps":30}}]}
            """);
        var original = catalog.Find("a")!;

        var filled = catalog.WithDefaultEndpoints(["http://127.0.0.1:9000"]).Find("a")!;

        // Every property, including any added later, is carried over; only the endpoints differ.
        foreach (var property in typeof(RuntimeConfig).GetProperties().Where(p => p.Name != nameof(RuntimeConfig.Endpoints)))
        {
            Assert.Equal(property.GetValue(original), property.GetValue(filled));
        }
    }
}
