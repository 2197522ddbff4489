using static SdServerless.UnitTests.Reliability.HostileApiHarness;

namespace SdServerless.UnitTests.Reliability;

/// <summary>
/// SSRF tricks, header injection and path traversal through the real API handler. The harness allows plain http
/// here, so that every refusal below is the address rule (or the key rule) at work, not the scheme.
/// </summary>
public sealed class HostileUrlTests
{
    public static TheoryData<string> NonPublicUrls =>
    [
        "http://127.0.0.1/", "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/", "http://[fc00::1]/", "http://[fe80::1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:127.0.0.1]/",
        "http://[64:ff9b::a00:1]/", "http://0.0.0.0/", "http://[::]/", "http://100.64.0.1/",
        "http://2130706433/", "http://0x7f.1/", "http://0x7f000001/", "http://0177.0.0.1/", "http://017700000001/", "http://127.1/",
        "http://localhost/", "http://LOCALHOST./", "http://api.localhost/",
        $"http://{PrivateHost}/", $"http://{RebindingHost}/x.png", $"http://{PrivateHost}:8080/x.png",
    ];

    public static TheoryData<string> HeaderInjections =>
    [
        "https://hooks.example.com/a\r\nX-Injected: 1", "https://hooks.example.com/\nHost: evil.example", "https://hooks.example.com\r\n/",
        "https://hooks.example.com/a b", "https://hooks.example.com/\u0000", "https://hooks.example.com/\u2028",
    ];

    private static string V2(string id, string tasktype, string? callbackUrl = null, string? imageLink = null, string prefix = "output") =>
        new JsonObject
        {
            ["task"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["id"] = id, ["runtime"] = "sdruntime", ["tasktype"] = tasktype, ["prefix"] = prefix, ["callback_url"] = callbackUrl },
                ["content"] = new JsonObject
                {
                    ["prompt"] = "p",
                    ["alwayson_scripts"] = imageLink is null ? null : new JsonObject { ["image_link"] = imageLink },
                },
            },
        }.ToJsonString();

    private static string V1(string id, string? callbackUrl = null, string saveDir = "output") =>
        new JsonObject
        {
            ["alwayson_scripts"] = new JsonObject
            {
                ["task"] = "text-to-image", ["id_task"] = id, ["sd_model_checkpoint"] = "v1-5-pruned-emaonly.safetensors",
                ["save_dir"] = saveDir, ["callback_url"] = callbackUrl,
            },
            ["prompt"] = "p",
        }.ToJsonString();

    private static async Task AssertRefusedAsync(HostileApiHarness harness, string path, string body, string field)
    {
        var response = await harness.PostAsync(path, body);

        Assert.True(response.StatusCode == 400, $"{response.StatusCode}: {response.Body}");
        Assert.Contains(field, ErrorFields(response));
        Assert.Empty(harness.Queue.Bodies);
    }

    [Fact]
    public async Task APublicCallbackAndImageLinkAreAccepted()
    {
        var harness = new HostileApiHarness(allowHttp: true);

        var response = await harness.PostAsync("/v1alpha2", V2("ok", "image-to-image", "http://hooks.example.com/done", $"http://{PublicHost}/cat.png"));

        Assert.Equal(200, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(NonPublicUrls))]
    public async Task ACallbackUrlToANonPublicAddressIsRefused(string url)
    {
        var harness = new HostileApiHarness(allowHttp: true);

        await AssertRefusedAsync(harness, "/v1alpha2", V2("t", "text-to-image", callbackUrl: url), "task.metadata.callback_url");
        await AssertRefusedAsync(harness, "/v1alpha1", V1("t", callbackUrl: url), "alwayson_scripts.callback_url");
    }

    [Theory]
    [MemberData(nameof(NonPublicUrls))]
    public async Task AnImageLinkToANonPublicAddressIsRefused(string url)
    {
        var harness = new HostileApiHarness(allowHttp: true);

        await AssertRefusedAsync(harness, "/v1alpha2", V2("t", "image-to-image", imageLink: url), "task.content.alwayson_scripts.image_link");
        await AssertRefusedAsync(harness, "/v1alpha2", V2("t", "image-to-image", imageLink: url.Replace("http://", "https://", StringComparison.Ordinal)), "task.content.alwayson_scripts.image_link");
    }

    [Theory]
    [MemberData(nameof(HeaderInjections))]
    public async Task ACallbackUrlThatCouldInjectHeadersIsRefused(string url)
    {
        var harness = new HostileApiHarness(allowHttp: true);

        await AssertRefusedAsync(harness, "/v1alpha2", V2("t", "text-to-image", callbackUrl: url), "task.metadata.callback_url");
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("%2e%2e")]
    [InlineData("..%2f..%2fetc")]
    [InlineData("x\u0000y")]
    [InlineData("é")]
    [InlineData("")]
    public async Task ATraversingTaskIdIsRefused(string id)
    {
        var harness = new HostileApiHarness();

        await AssertRefusedAsync(harness, "/v1alpha2", V2(id, "text-to-image"), "task.metadata.id");
        await AssertRefusedAsync(harness, "/v1alpha1", V1(id), "alwayson_scripts.id_task");
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("..")]
    [InlineData("a\\..\\b")]
    [InlineData("C:\\windows")]
    [InlineData("_sdserverless/tasks")]
    [InlineData("_sdserverless")]
    [InlineData("out put")]
    public async Task ATraversingPrefixIsRefused(string prefix)
    {
        var harness = new HostileApiHarness();

        await AssertRefusedAsync(harness, "/v1alpha2", V2("t", "text-to-image", prefix: prefix), "task.metadata.prefix");
        await AssertRefusedAsync(harness, "/v1alpha1", V1("t", saveDir: prefix), "alwayson_scripts.save_dir");
    }

    [Theory]
    [InlineData("/v1alpha2/tasks/..%2F..%2Fwebhook-secret")]
    [InlineData("/v1alpha2/tasks/%2e%2e")]
    [InlineData("/v1alpha2/tasks/..")]
    [InlineData("/v1alpha2/tasks/a%2Fb")]
    [InlineData("/v1alpha2/tasks/%00")]
    public async Task AStatusRequestWithATraversingIdIsRefused(string path)
    {
        var harness = new HostileApiHarness();
        await harness.Store.PutAsync("webhook-secret", new MemoryStream([1, 2, 3]), "text/plain", CancellationToken.None);

        var response = await harness.GetAsync(path);

        Assert.True(response.StatusCode is 400 or 404, $"{response.StatusCode}: {response.Body}");
    }
}
