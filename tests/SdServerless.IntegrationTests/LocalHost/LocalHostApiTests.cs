namespace SdServerless.IntegrationTests.LocalHost;

/// <summary>The HTTP API of the local host, over real HTTP to a real child process.</summary>
[Trait("Category", "Integration")]
public sealed class LocalHostApiTests : IAsyncLifetime
{
    private LocalHostProcess _host = null!;

    public async Task InitializeAsync() => _host = await LocalHostProcess.StartAsync(null, "--no-dispatch");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Seed(string name) => TestDataFiles.Seed(name);

    private static StringContent Json(string body, string contentType = "application/json") => new(body, Encoding.UTF8, contentType);

    [Theory]
    [InlineData("v1alpha2", "request-v1alpha2.jsonc", "runtime", "sdruntime")]
    [InlineData("v1alpha1", "request-v1alpha1.jsonc", "sd_model_checkpoint", "v1-5-pruned-emaonly.safetensors")]
    public async Task TheSeedExamplesAsWrittenAreAcceptedWithTheSeedResponse(string version, string file, string key, string value)
    {
        using var client = _host.CreateClient();

        using var response = await client.PostAsync("/" + version, Json(Seed(file)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("test-i2i", body["id_task"]!.GetValue<string>());
        Assert.Equal(value, body[key]!.GetValue<string>());
        Assert.Equal("s3://outputbucket/output/test-i2i", body["output_location"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnIdWithADotHasItsStatusLikeAnyOther()
    {
        using var client = _host.CreateClient();
        var body = Seed("request-v1alpha2.jsonc").Replace("\"test-i2i\"", "\"dot.ted\"", StringComparison.Ordinal);

        using var accepted = await client.PostAsync("/v1alpha2", Json(body));
        using var status = await client.GetAsync("/v1alpha2/tasks/dot.ted");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("dot.ted", JsonNode.Parse(await status.Content.ReadAsStringAsync())!["id_task"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABodyWithoutContentTypeIs415SoNoWebPageCanSubmitWithoutAPreflight()
    {
        using var client = _host.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Seed("request-v1alpha2.jsonc")));

        using var response = await client.PostAsync("/v1alpha2", content);

        Assert.Null(content.Headers.ContentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1alpha2/tasks/test-i2i")).StatusCode);
    }

    [Fact]
    public async Task ATwentyMegabyteBodyIs413ProblemJson()
    {
        using var client = _host.CreateClient();

        using var response = await client.PostAsync("/v1alpha2", Json("{\"x\":\"" + new string('a', 20 * 1024 * 1024) + "\"}"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task PlainTextIs415AndInvalidUtf8Is400()
    {
        using var client = _host.CreateClient();

        using var text = await client.PostAsync("/v1alpha2", Json(Seed("request-v1alpha2.jsonc"), "text/plain"));
        using var bytes = new ByteArrayContent([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
        bytes.Headers.ContentType = new("application/json");
        using var invalid = await client.PostAsync("/v1alpha2", bytes);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task TheStatusOfAnAcceptedTaskIsQueuedAndAnUnknownOneIs404()
    {
        using var client = _host.CreateClient();
        using var accepted = await client.PostAsync("/v1alpha2", Json(Seed("request-v1alpha2.jsonc")));

        var status = JsonNode.Parse(await client.GetStringAsync("/v1alpha2/tasks/test-i2i"))!;
        using var unknown = await client.GetAsync("/v1alpha2/tasks/nobody");

        Assert.Equal("queued", status["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AcceptedTasksSurviveAKillAndRestartOfTheHost()
    {
        using (var client = _host.CreateClient())
        {
            for (var i = 0; i < 10; i++)
            {
                var body = Seed("request-v1alpha2.jsonc").Replace("test-i2i", $"crash-{i}", StringComparison.Ordinal);
                using var response = await client.PostAsync("/v1alpha2", Json(body));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        await _host.KillAsync();
        await using var restarted = await LocalHostProcess.StartAsync(_host.DataDirectory, "--no-dispatch");
        using var again = restarted.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            var status = JsonNode.Parse(await again.GetStringAsync($"/v1alpha2/tasks/crash-{i}"))!;
            Assert.Equal("queued", status["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task ItPrintsWhereItListensAndWhereOutputsLand()
    {
        using var client = _host.CreateClient();
        await client.GetAsync("/v1alpha2/tasks/x");

        Assert.Contains(_host.BaseUri.ToString().TrimEnd('/'), _host.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_host.DataDirectory, "s3", "outputbucket"), _host.Output, StringComparison.Ordinal);
    }
}
