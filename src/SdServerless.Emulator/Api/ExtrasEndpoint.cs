using System.Globalization;
using Microsoft.AspNetCore.Http;
using SdServerless.Emulator.Gpus;
using SdServerless.Emulator.Images;

namespace SdServerless.Emulator.Api;

/// <summary>
/// POST /sdapi/v1/extra-single-image: the input scaled by upscaling_resize (resize_mode 0) or to
/// upscaling_resize_w × upscaling_resize_h (resize_mode 1, centre-cropped when upscaling_crop), nearest neighbour.
/// Answers {"html_info": "…", "image": base64 PNG}.
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
        if (issues.Count > 0)
        {
            await SdResponses.WriteValidationAsync(context, issues);
            return;
        }

        if (InputImage.TryDecode(request.Str("image") ?? "", out var error) is not { } input)
        {
            await SdResponses.WriteHttpExceptionAsync(context, 500, error);
            return;
        }

        var (scaledWidth, scaledHeight, width, height, scale) = Target(request, input);
        if (width < 1 || height < 1 || scaledWidth > emulator.Options.MaxImageSide || scaledHeight > emulator.Options.MaxImageSide)
        {
            await SdResponses.WriteErrorAsync(context, 500, width < 1 || height < 1 ? "ValueError" : "OutOfMemoryError", "",
                $"cannot upscale {input.Width}x{input.Height} to {scaledWidth}x{scaledHeight} (emulated)");
            return;
        }

        var outcome = await emulator.RunAsync(new GpuWork("extras", null, 1, 1, 0));

        var upscaler = request.Str("upscaler_1") ?? "None";
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
                ? (scaledWidth, scaledHeight, Math.Min(width, scaledWidth), Math.Min(height, scaledHeight), by)
                : (scaledWidth, scaledHeight, scaledWidth, scaledHeight, by);
        }

        var scale = request.Float("upscaling_resize", 2);
        var w = Scaled(input.Width, scale);
        var h = Scaled(input.Height, scale);
        return (w, h, w, h, scale);
    }

    private static int Scaled(int size, double by) => (int)Math.Clamp(Math.Floor(size * by), 0, int.MaxValue);
}
