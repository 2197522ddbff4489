using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SdServerless.Emulator;
using SdServerless.Emulator.Api;

namespace SdServerless.UnitTests.Emulator;

/// <summary>
/// The exact JSON the emulator answers with, byte for byte: clients of SD Web UI parse its "info" string and error
/// bodies, so names, order, nulls, number formats and the default (HTML-safe) escaping stay as SD Web UI's answers.
/// </summary>
public sealed partial class EmulatorResponseJsonTests : IDisposable
{
    private readonly SdWebUiEmulator _emulator = new(new EmulatorOptions { Models = ["a.safetensors", "b.ckpt"] });

    [Fact]
    public void TheInfoOfATxt2ImgBatch()
    {
        var plan = Plan("txt2img", SdApiFields.Txt2Img,
            """{"prompt": "a 'cat' & <dog> \"é\"", "negative_prompt": "blur", "seed": 41, "subseed": 9, "batch_size": 2, "cfg_scale": 6.5, "steps": 12, "width": 320, "height": 256, "override_settings": {"sd_model_checkpoint": "b"}}""");

        var info = InfoText.Json(plan, ["one", "two"], 2, 0);

        Assert.Equal(
            """{"prompt":"a \u0027cat\u0027 \u0026 \u003Cdog\u003E \u0022\u00E9\u0022","all_prompts":["a \u0027cat\u0027 \u0026 \u003Cdog\u003E \u0022\u00E9\u0022","a \u0027cat\u0027 \u0026 \u003Cdog\u003E \u0022\u00E9\u0022"],"negative_prompt":"blur","all_negative_prompts":["blur","blur"],"seed":41,"all_seeds":[41,42],"subseed":9,"all_subseeds":[9,10],"subseed_strength":0,"width":320,"height":256,"sampler_name":"Euler","cfg_scale":6.5,"steps":12,"batch_size":2,"restore_faces":false,"face_restoration_model":null,"sd_model_name":"b","sd_model_hash":null,"sd_vae_name":null,"sd_vae_hash":null,"seed_resize_from_w":-1,"seed_resize_from_h":-1,"denoising_strength":null,"extra_generation_params":{"Schedule type":"Automatic"},"index_of_first_image":0,"infotexts":["one","two"],"styles":[],"job_timestamp":"TIMESTAMP","clip_skip":1,"is_using_inpainting_conditioning":false,"version":"SdServerless emulator (placeholder images, not Stable Diffusion)"}""",
            WithoutTimestamp(info));
    }

    [Fact]
    public void TheInfoOfAnImg2ImgWithStylesAndAGrid()
    {
        var plan = Plan("img2img", SdApiFields.Img2Img,
            """{"seed": 5, "n_iter": 2, "styles": ["x", "y"], "denoising_strength": 0.35, "subseed_strength": 0.25, "restore_faces": true, "seed_resize_from_w": 64}""");

        var info = InfoText.Json(plan, ["i", "j"], 1, 1);

        Assert.Equal(
            """{"prompt":"","all_prompts":[""],"negative_prompt":"","all_negative_prompts":[""],"seed":5,"all_seeds":[5],"subseed":SUBSEED,"all_subseeds":[SUBSEED],"subseed_strength":0.25,"width":512,"height":512,"sampler_name":"Euler","cfg_scale":7,"steps":50,"batch_size":1,"restore_faces":true,"face_restoration_model":null,"sd_model_name":"a","sd_model_hash":"163f4dbbad","sd_vae_name":null,"sd_vae_hash":null,"seed_resize_from_w":64,"seed_resize_from_h":-1,"denoising_strength":0.35,"extra_generation_params":{"Schedule type":"Automatic"},"index_of_first_image":1,"infotexts":["i","j"],"styles":["x","y"],"job_timestamp":"TIMESTAMP","clip_skip":1,"is_using_inpainting_conditioning":false,"version":"SdServerless emulator (placeholder images, not Stable Diffusion)"}""",
            WithoutTimestamp(info).Replace(plan.Subseed.ToString(System.Globalization.CultureInfo.InvariantCulture), "SUBSEED", StringComparison.Ordinal));
    }

    [Fact]
    public void TheInfoOfAHashedCheckpoint()
    {
        _emulator.Models[1].MarkHashed();
        var plan = Plan("txt2img", SdApiFields.Txt2Img, """{"seed": 1, "override_settings": {"sd_model_checkpoint": "b"}}""");

        using var info = JsonDocument.Parse(InfoText.Json(plan, ["only"], 1, 0));

        Assert.Equal(_emulator.Models[1].Hash, info.RootElement.GetProperty("sd_model_hash").GetString());
        Assert.Matches("^[0-9a-f]{10}$", info.RootElement.GetProperty("sd_model_hash").GetString());
    }

    [Fact]
    public async Task AnSdWebUiErrorBody()
    {
        var context = NewContext();

        await SdResponses.WriteErrorAsync(context, 500, "RuntimeError", "", "model 'x<y>' not found");

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal("""{"error":"RuntimeError","detail":"","body":"","errors":"model \u0027x\u003Cy\u003E\u0027 not found"}""", Written(context));
    }

    [Fact]
    public async Task AnHttpExceptionBody()
    {
        var context = NewContext();

        await SdResponses.WriteHttpExceptionAsync(context, 404, "Not found");

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("""{"error":"HTTPException","detail":"Not found","body":"","errors":""}""", Written(context));
    }

    [Fact]
    public async Task AFastApiValidationBodyWithListIndexesAndContexts()
    {
        var context = NewContext();

        await SdResponses.WriteValidationAsync(context,
        [
            new ValidationIssue([], "value is not a valid dict", "type_error.dict"),
            new ValidationIssue(["styles", 1], "str type expected", "type_error.str"),
            new ValidationIssue(["gfpgan_visibility"], "ensure this value is less than or equal to 1", "value_error.number.not_le", new LimitContext(1)),
        ]);

        Assert.Equal(422, context.Response.StatusCode);
        Assert.Equal(
            """{"detail":[{"loc":["body"],"msg":"value is not a valid dict","type":"type_error.dict"},{"loc":["body","styles",1],"msg":"str type expected","type":"type_error.str"},{"loc":["body","gfpgan_visibility"],"msg":"ensure this value is less than or equal to 1","type":"value_error.number.not_le","ctx":{"limit_value":1}}]}""",
            Written(context));
    }

    [Theory]
    [InlineData("[1,  2]")]
    [InlineData("\"\\u00e9 x\"")]
    [InlineData("{ \"a\" : 2 }")]
    public async Task AValueOutsideTheConstantsIsEchoedAsTheClientWroteIt(string given)
    {
        using var document = JsonDocument.Parse($$$"""{"resize_mode": {{{given}}}}""");
        var issues = new List<ValidationIssue>();
        PydanticBinder.Bind(document.RootElement, SdApiFields.ExtrasSingleImage, issues);
        var context = NewContext();

        await SdResponses.WriteValidationAsync(context, [.. issues.Where(issue => Equals(issue.Location[0], "resize_mode"))]);

        Assert.Equal(
            $$$"""{"detail":[{"loc":["body","resize_mode"],"msg":"unexpected value; permitted: 0, 1","type":"value_error.const","ctx":{"given":{{{given}}},"permitted":[0,1]}}]}""",
            Written(context));
    }

    [Fact]
    public async Task AnEmptyBodyIsAMissingField()
    {
        var context = NewContext("");

        Assert.Null(await SdResponses.ReadBodyAsync(context));
        Assert.Equal("""{"detail":[{"loc":["body"],"msg":"field required","type":"value_error.missing"}]}""", Written(context));
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsADecodeErrorWithItsPosition()
    {
        var context = NewContext("{\"a\": 1,\n  x}");

        Assert.Null(await SdResponses.ReadBodyAsync(context));
        Assert.Equal(
            """{"detail":[{"loc":["body",2],"msg":"Expecting value","type":"value_error.jsondecode","ctx":{"msg":"\u0027x\u0027 is an invalid start of a property name. Expected a \u0027\u0022\u0027. LineNumber: 1 | BytePositionInLine: 2.","pos":2,"lineno":2,"colno":3}}]}""",
            Written(context));
    }

    [Fact]
    public async Task TheCheckpointList()
    {
        var context = NewContext();

        await StateEndpoints.SdModelsAsync(context, _emulator);

        Assert.Equal(
            """[{"title":"a.safetensors [163f4dbbad]","model_name":"a","hash":"163f4dbbad","sha256":"163f4dbbadd9c6b18be203a695289069939e6498759ef917e6eb2c17a57257cb","filename":"/emulator/models/Stable-diffusion/a.safetensors","config":null},{"title":"b.ckpt","model_name":"b","hash":null,"sha256":null,"filename":"/emulator/models/Stable-diffusion/b.ckpt","config":null}]""",
            Written(context));
    }

    [Fact]
    public async Task TheProgressOfAnIdleServer()
    {
        var context = NewContext();

        await StateEndpoints.ProgressAsync(context, _emulator);

        Assert.Equal(
            """{"progress":0,"eta_relative":0,"state":{"skipped":false,"interrupted":false,"stopping_generation":false,"job":"","job_count":0,"job_timestamp":"0","job_no":0,"sampling_step":0,"sampling_steps":0},"current_image":null,"textinfo":null}""",
            Written(context));
    }

    [Fact]
    public async Task TheInterruptAnswer()
    {
        var context = NewContext();

        await StateEndpoints.InterruptAsync(context, _emulator);

        Assert.Equal("{}", Written(context));
    }

    [Fact]
    public async Task TheGpusOfAnIdleEmulator()
    {
        var context = NewContext();

        await StateEndpoints.GpusAsync(context, _emulator);

        Assert.Equal(
            """{"queue_length":0,"peak_busy_gpus":0,"gpus":[{"index":0,"loaded_model":"a.safetensors [163f4dbbad]","busy":false,"requests":0,"model_switches":0,"busy_ms":0,"peak_concurrency":0}]}""",
            Written(context));
    }

    public void Dispose() => _emulator.Dispose();

    private static DefaultHttpContext NewContext(string? body = null)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
        }

        return context;
    }

    private static string Written(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private static string WithoutTimestamp(string info)
    {
        Assert.Matches(Timestamp(), info);
        return Timestamp().Replace(info, "\"job_timestamp\":\"TIMESTAMP\"");
    }

    [GeneratedRegex("\"job_timestamp\":\"[0-9]{14}\"")]
    private static partial Regex Timestamp();

    private GenerationPlan Plan(string job, IReadOnlyList<FieldSpec> fields, string json)
    {
        using var document = JsonDocument.Parse(json);
        var issues = new List<ValidationIssue>();
        var request = PydanticBinder.Bind(document.RootElement, fields, issues);
        Assert.Empty(issues);
        var plan = GenerationPlanner.Plan(job, request, _emulator, out var failure);
        Assert.True(plan is not null, failure.Message);
        return plan;
    }
}
