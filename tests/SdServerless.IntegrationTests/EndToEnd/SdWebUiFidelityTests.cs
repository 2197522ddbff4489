using static SdServerless.IntegrationTests.EndToEnd.PipelineClient;

namespace SdServerless.IntegrationTests.EndToEnd;

/// <summary>
/// Tasks that SD Web UI 1.10 would run on the wrong checkpoint, refuse, or fail on, through the local host and an
/// SD Web UI emulator started with --api-auth, checkpoints in a sub-folder and the ControlNet extension: each task runs
/// on the checkpoint it asked for (its images' info says so), is refused at submission naming the field, or fails
/// with an error naming the cause.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SdWebUiFidelityTests : IAsyncLifetime
{
    private const string Credentials = "pool:Sup3r-secret";

    private EmulatorHost _emulator = null!;
    private LoopbackHttpServer _images = null!;
    private LocalHostProcess _host = null!;
    private string _runtimesFile = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Models = ["v1-5-pruned-emaonly.safetensors", "sd15/photo.safetensors", "other.safetensors"],
            AlwaysOnScripts = [.. SdWebUiFacts.AlwaysOnScripts, "ControlNet"],
            ApiAuth = Credentials,
            ModelSwitchDelay = TimeSpan.Zero,
        });
        _images = await LoopbackHttpServer.StartAsync();
        var png = MakePng(64, 64);
        _images.Handler = async (_, context) =>
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(png);
        };
        var runtimes = new JsonObject
        {
            ["runtimes"] = new JsonArray(new JsonObject
            {
                ["name"] = "sdruntime",
                ["endpoints"] = new JsonArray(_emulator.BaseUrl.ToString().TrimEnd('/')),
                ["models"] = new JsonArray("v1-5-pruned-emaonly.safetensors", "sd15/photo.safetensors", "other.safetensors", "fresh.safetensors"),
                ["always_on_scripts"] = new JsonArray([.. SdWebUiFacts.AlwaysOnScripts.Select(s => JsonValue.Create(s)), JsonValue.Create("ControlNet")]),
                ["api_auth"] = Credentials,
            }),
        };
        _runtimesFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_runtimesFile, runtimes.ToJsonString());
        _host = await LocalHostProcess.StartAsync(null, "--runtimes", _runtimesFile, "--allow-private-network");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _images.DisposeAsync();
        await _emulator.DisposeAsync();
        File.Delete(_runtimesFile);
    }

    private static string V2(string id, string content, string tasktype = "text-to-image") =>
        $$"""{"task":{"metadata":{"id":"{{id}}","runtime":"sdruntime","tasktype":"{{tasktype}}"},"content":""" + content + "}}";

    private async Task<(JsonNode Status, JsonNode Result)> RunAsync(PipelineClient client, string id, string body, string version = "v1alpha2")
    {
        await client.SubmitAsync(version, body);
        var (final, _) = await client.WaitUntilFinishedAsync(id);
        return (final, await client.ResultAsync("output", id));
    }

    /// <summary>The checkpoint the images were made with, as SD Web UI's info reports it.</summary>
    private static string ModelOf(JsonNode result) => result["info"]!["sd_model_name"]!.GetValue<string>();

    private async Task<JsonNode> RefusedAsync(string version, string body)
    {
        using var http = _host.CreateClient();
        using var response = await http.PostAsync("/" + version, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static IEnumerable<string> Fields(JsonNode problem) => problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>());

    [Fact]
    public async Task AV1Alpha2TaskNamingItsCheckpointInAlwaysOnScriptsRunsOnIt()
    {
        using var client = new PipelineClient(_host);

        var (status, result) = await RunAsync(client, "compat-model",
            V2("compat-model", """{"prompt":"x","width":64,"height":64,"alwayson_scripts":{"sd_model_checkpoint":"other.safetensors"}}"""));

        Assert.Equal("succeeded", status["status"]!.GetValue<string>());
        Assert.Equal("other", ModelOf(result));
    }

    [Fact]
    public async Task ABareFileNameOfACheckpointInASubFolderIsRefusedAndItsAliasesRunOnItUnderItsTitle()
    {
        using var client = new PipelineClient(_host);

        var refused = await RefusedAsync("v1alpha1",
            """{"alwayson_scripts":{"task":"text-to-image","id_task":"bare","sd_model_checkpoint":"photo.safetensors"},"prompt":"x"}""");
        var (status, result) = await RunAsync(client, "alias",
            V2("alias", """{"prompt":"x","width":64,"height":64,"override_settings":{"sd_model_checkpoint":"photo"}}"""));

        Assert.Equal(["alwayson_scripts.sd_model_checkpoint"], Fields(refused));
        Assert.Equal("succeeded", status["status"]!.GetValue<string>());
        Assert.Equal("sd15_photo", ModelOf(result));
        Assert.StartsWith("sd15/photo.safetensors", result["parameters"]!["override_settings"]!["sd_model_checkpoint"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyMaskIsDroppedSoTheImageToImageTaskRuns()
    {
        using var client = new PipelineClient(_host);
        var image = Convert.ToBase64String(MakePng(64, 64));

        var (status, _) = await RunAsync(client, "no-mask",
            V2("no-mask", $$"""{"prompt":"x","width":64,"height":64,"init_images":["{{image}}"],"mask":""}""", "image-to-image"));

        Assert.Equal("succeeded", status["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task SettingsInAlwaysOnScriptsJoinOverrideSettingsAndWhatSdWebUiWouldRefuseIsRefusedAtSubmission()
    {
        using var client = new PipelineClient(_host);

        var (status, result) = await RunAsync(client, "settings", V2("settings",
            """{"prompt":"x","width":"64","height":64,"alwayson_scripts":{"sd_vae":"None","override_settings":{"CLIP_stop_at_last_layers":2}}}"""));
        var refused = await RefusedAsync("v1alpha2", V2("refused",
            """{"prompt":"x","send_images":null,"steps":null,"override_settings":{"no_such_setting":1},"alwayson_scripts":{"my_key":{"args":[]}}}"""));

        Assert.Equal("succeeded", status["status"]!.GetValue<string>());
        var overrides = result["parameters"]!["override_settings"]!;
        Assert.Equal(("None", 2), (overrides["sd_vae"]!.GetValue<string>(), overrides["CLIP_stop_at_last_layers"]!.GetValue<int>()));
        Assert.Equal(64, result["parameters"]!["width"]!.GetValue<int>());
        Assert.Equal(
            ["task.content.send_images", "task.content.steps", "task.content.override_settings.no_such_setting", "task.content.alwayson_scripts.my_key"],
            Fields(refused));
    }

    [Fact]
    public async Task AUrlInAControlNetUnitIsDownloadedAndSentAsBase64AndAnS3UrlIsRefused()
    {
        using var client = new PipelineClient(_host);
        var unit = _images.Url("/unit.png");

        var (status, _) = await RunAsync(client, "controlnet", V2("controlnet",
            """{"prompt":"x","width":64,"height":64,"alwayson_scripts":{"ControlNet":{"args":[{"enabled":true,"image":{"image":""" + $"\"{unit}\"" + "}}]}}}"));
        var refused = await RefusedAsync("v1alpha2", V2("s3-unit",
            """{"prompt":"x","alwayson_scripts":{"ControlNet":{"args":[{"image":"s3://bucket/unit.png"}]}}}"""));

        Assert.Equal("succeeded", status["status"]!.GetValue<string>());
        Assert.Single(_images.Requests);
        Assert.Equal(["task.content.alwayson_scripts.ControlNet.args[0].image"], Fields(refused));
    }

    [Fact]
    public async Task ACheckpointUploadedToARunningServerIsFoundByAFolderRescan()
    {
        using var client = new PipelineClient(_host);
        _emulator.Emulator.AddCheckpointFile("fresh.safetensors");

        var (status, result) = await RunAsync(client, "fresh",
            V2("fresh", """{"prompt":"x","width":64,"height":64,"override_settings":{"sd_model_checkpoint":"fresh.safetensors"}}"""));

        Assert.Equal("succeeded", status["status"]!.GetValue<string>());
        Assert.Equal("fresh", ModelOf(result));
    }

    [Fact]
    public async Task RunningOutOfGpuMemoryOnTheOnlyServerFailsAtOnceNamingTheCause()
    {
        using var client = new PipelineClient(_host);
        var injected = 0;
        _emulator.Emulator.FaultInjector = request =>
        {
            if (!request.IsGeneration)
            {
                return null;
            }

            Interlocked.Increment(ref injected);
            return EmulatorFault.OutOfMemory();
        };

        var (status, result) = await RunAsync(client, "oom", V2("oom", """{"prompt":"x","width":64,"height":64}"""));

        Assert.Equal("failed", status["status"]!.GetValue<string>());
        Assert.Equal("sdwebui_out_of_memory", result["error"]!["type"]!.GetValue<string>());
        Assert.Contains("out of memory", result["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("no other server", result["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, result["attempts"]!.GetValue<int>());
        Assert.Equal(1, injected);
    }

    [Fact]
    public async Task AnAnswerWithoutImagesFailsTheTaskAndNoRequestAsksForGzip()
    {
        using var client = new PipelineClient(_host);
        var encodings = new ConcurrentQueue<string>();
        _emulator.Emulator.FaultInjector = request =>
        {
            encodings.Enqueue(request.AcceptEncoding);
            return request.IsGeneration ? EmulatorFault.Status(200, """{"images":[],"parameters":{},"info":"{}"}""") : null;
        };

        var (status, result) = await RunAsync(client, "empty", V2("empty", """{"prompt":"x","width":64,"height":64}"""));

        Assert.Equal("failed", status["status"]!.GetValue<string>());
        Assert.Equal("sdwebui_no_images", result["error"]!["type"]!.GetValue<string>());
        Assert.NotEmpty(encodings);
        Assert.All(encodings, encoding => Assert.DoesNotContain("gzip", encoding, StringComparison.OrdinalIgnoreCase));
    }
}
