using System.Globalization;
using Microsoft.AspNetCore.Http;
using SdServerless.Emulator.Gpus;
using SdServerless.Emulator.Images;

namespace SdServerless.Emulator.Api;

/// <summary>
/// POST /sdapi/v1/extra-single-image: with an upscaler, the input scaled by upscaling_resize (resize_mode 0) or to
/// cover upscaling_resize_w × upscaling_resize_h (resize_mode 1, centre-cropped when upscaling_crop), its sides
/// floored to multiples of 8, nearest neighbour; with upscaler_1 "None" the input keeps its size. Visibilities
/// outside 0..1 and target sizes below 1 are refused by validation (422). Answers {"html_info": "…", "image": base64 PNG}.
/// </summary>
internal static class ExtrasEndpoint
{
    public static async Task HandleAsync(HttpContext context, SdWebUiEmulator emulator)
    {
        using var body = await SdResponses.ReadBodyAsync(context);
        if (body is null)
        {
            return;
        }

        var issues = new List<ValidationIssue>();
        var request = PydanticBinder.Bind(body.RootElement, SdApiFields.ExtrasSingleImage, issues);
        CheckBounds(request, issues);
        if (issues.Count > 0)
        {
            await SdResponses.WriteValidationAsync(context, issues);
            return;
        }

        if (InputImage.TryDecode(request.Str("image") ?? "", out var error, emulator.Options.ApiEnableRequests) is not { } input)
        {
            await SdResponses.WriteHttpExceptionAsync(context, 500, error);
            return;
        }

        var upscaler = request.Str("upscaler_1") ?? "None";
        if (!SdWebUiFacts.Upscalers.Contains(upscaler, StringComparer.Ordinal))
        {
            await SdResponses.WriteErrorAsync(context, SdError.Exception("AssertionError", $"could not find upscaler named {upscaler}"));
            return;
        }

        var (scaledWidth, scaledHeight, width, height, scale) = upscaler == "None"
            ? (input.Width, input.Height, input.Width, input.Height, 1.0)
            : Target(request, input);
        if (width < 1 || height < 1 || scaledWidth > emulator.Options.MaxImageSide || scaledHeight > emulator.Options.MaxImageSide)
        {
            await SdResponses.WriteErrorAsync(context, 500, width < 1 || height < 1 ? "ValueError" : "OutOfMemoryError", "",
                $"cannot upscale {input.Width}x{input.Height} to {scaledWidth}x{scaledHeight} (emulated)");
            return;
        }

        var outcome = await emulator.RunAsync(new GpuWork("extras", null, 1, 1, 0));

        var infotext = string.Create(CultureInfo.InvariantCulture,
            $"Postprocess upscale by: {scale:0.####}, Postprocess upscaler: {upscaler}, Version: {InfoText.Version}");
        var text = new KeyValuePair<string, string>[] { new("extras", infotext), new("Software", PlaceholderImage.Software) };
        // StbImageSharp has no WebP decoder: a WebP input yields a placeholder of the right size instead of its pixels.
        var png = input.Pixels is { } pixels
            ? PngEncoder.Encode(width, height, pixels.Channels, ImageScaler.ScaleAndCrop(pixels, scaledWidth, scaledHeight, width, height), text)
            : PngEncoder.Encode(width, height, 3, PlaceholderImage.Rows(width, height, input.Width * 31L + input.Height), text);

        await SdResponses.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("html_info", $"<p>{System.Net.WebUtility.HtmlEncode(infotext)}</p>");
            writer.WriteBase64String("image", png);
            writer.WriteEndObject();
        });
        await emulator.CompleteResponseAsync(context, outcome);
    }

    private static (int ScaledWidth, int ScaledHeight, int Width, int Height, double Scale) Target(BoundRequest request, InputImage input)
    {
        if (request.Int("resize_mode", 0) == 1)
        {
            var width = (int)Math.Clamp(request.Int("upscaling_resize_w", 512), 0, int.MaxValue);
            var height = (int)Math.Clamp(request.Int("upscaling_resize_h", 512), 0, int.MaxValue);
            var by = Math.Max((double)width / input.Width, (double)height / input.Height);
            var scaledWidth = Scaled(input.Width, by);
            var scaledHeight = Scaled(input.Height, by);
            return request.Bool("upscaling_crop", true)
                ? (scaledWidth, scaledHeight, width, height, by)
                : (scaledWidth, scaledHeight, scaledWidth, scaledHeight, by);
        }

        var scale = request.Float("upscaling_resize", 2);
        var w = Scaled(input.Width, scale);
        var h = Scaled(input.Height, scale);
        return (w, h, w, h, scale);
    }

    /// <summary>Upscaler.upscale: int((size * scale) // 8 * 8).</summary>
    private static int Scaled(int size, double by) => (int)Math.Clamp(Math.Floor(size * by / 8) * 8, 0, int.MaxValue);

    private static readonly string[] Visibilities = ["gfpgan_visibility", "codeformer_visibility", "codeformer_weight", "extras_upscaler_2_visibility"];

    /// <summary>The Field(ge=…, le=…) bounds of ExtrasBaseRequest, reported as pydantic reports them.</summary>
    private static void CheckBounds(BoundRequest request, List<ValidationIssue> issues)
    {
        foreach (var name in Visibilities)
        {
            if (request[name] is double value && value < 0)
            {
                issues.Add(new ValidationIssue([name], "ensure this value is greater than or equal to 0", "value_error.number.not_ge", new LimitContext(0)));
            }
            else if (request[name] is double high && high > 1)
            {
                issues.Add(new ValidationIssue([name], "ensure this value is less than or equal to 1", "value_error.number.not_le", new LimitContext(1)));
            }
        }

        foreach (var name in (string[])["upscaling_resize_w", "upscaling_resize_h"])
        {
            if (request[name] is long size && size < 1)
            {
                issues.Add(new ValidationIssue([name], "ensure this value is greater than or equal to 1", "value_error.number.not_ge", new LimitContext(1)));
            }
        }
    }
}
