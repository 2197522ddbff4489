using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SdServerless.Emulator.Gpus;
using SdServerless.Emulator.Images;

namespace SdServerless.Emulator.Api;

/// <summary>POST /sdapi/v1/txt2img and /sdapi/v1/img2img: {"images":[base64 PNG], "parameters":{…}, "info":"{…}"}.</summary>
internal static class GenerationEndpoint
{
    public static Task Txt2ImgAsync(HttpContext context, SdWebUiEmulator emulator) =>
        HandleAsync(context, emulator, "txt2img", SdApiFields.Txt2Img);

    public static Task Img2ImgAsync(HttpContext context, SdWebUiEmulator emulator) =>
        HandleAsync(context, emulator, "img2img", SdApiFields.Img2Img);

    private static async Task HandleAsync(HttpContext context, SdWebUiEmulator emulator, string job, IReadOnlyList<FieldSpec> fields)
    {
        using var body = await SdResponses.ReadBodyAsync(context);
        if (body is null)
        {
            return;
        }

        var issues = new List<ValidationIssue>();
        var request = PydanticBinder.Bind(body.RootElement, fields, issues);
        if (issues.Count > 0)
        {
            await SdResponses.WriteValidationAsync(context, issues);
            return;
        }

        if (ProcessingChecks.Check(request, emulator, job == "img2img") is { } refused)
        {
            await SdResponses.WriteErrorAsync(context, refused);
            return;
        }

        var plan = GenerationPlanner.Plan(job, request, emulator, out var failure);
        if (plan is null)
        {
            await SdResponses.WriteErrorAsync(context, 500, failure.Error, "", failure.Message);
            return;
        }

        var outcome = await emulator.RunAsync(new GpuWork(job, plan.Model, plan.Iterations, plan.BatchSize, plan.Steps, plan.Seed));
        var produced = outcome.CompletedIterations * plan.BatchSize;
        var infotexts = Enumerable.Range(0, produced).Select(i => InfoText.For(plan, i)).ToList();
        var withGrid = request.Bool("save_images", false) && produced > 1;
        var info = InfoText.Json(plan, infotexts, produced, withGrid ? 1 : 0);
        await WriteResponseAsync(context, plan, infotexts, withGrid, info, emulator.Options.ImageNoiseBits);
        await emulator.CompleteResponseAsync(context, outcome);
    }

    private static async Task WriteResponseAsync(HttpContext context, GenerationPlan plan, List<string> infotexts, bool withGrid, string info, int noiseBits)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var output = context.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartArray("images");
        if (plan.Request.Bool("send_images", true))
        {
            var tiles = infotexts.Select((_, i) => PlaceholderImage.Rows(plan.Width, plan.Height, plan.Seeds[i], noiseBits)).ToList();
            if (withGrid)
            {
                var grid = GridImage.Compose(plan.Width, plan.Height, tiles);
                writer.WriteBase64StringValue(PlaceholderImage.Encode(grid.Width, grid.Height, grid.Rows, infotexts[0]));
                await FlushAsync(writer, output, context);
            }

            for (var i = 0; i < tiles.Count; i++)
            {
                writer.WriteBase64StringValue(PlaceholderImage.Encode(plan.Width, plan.Height, tiles[i], infotexts[i]));
                await FlushAsync(writer, output, context);
            }
        }

        writer.WriteEndArray();
        writer.WritePropertyName("parameters");
        // As in SD Web UI, input images are not echoed unless include_init_images is set.
        plan.Request.WriteParameters(writer, plan.IsImg2Img && !plan.Request.Bool("include_init_images", false)
            ? new Dictionary<string, object?> { ["init_images"] = null, ["mask"] = null }
            : null);
        writer.WriteString("info", info);
        writer.WriteEndObject();
        await FlushAsync(writer, output, context);
    }

    private static async Task FlushAsync(Utf8JsonWriter writer, System.IO.Pipelines.PipeWriter output, HttpContext context)
    {
        writer.Flush();
        await output.FlushAsync(context.RequestAborted);
    }
}
