using System.Text.Json.Nodes;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Resolves a task's image inputs before any GPU is claimed: image_link becomes init_images[0] (image-to-image) or
/// image (extras); every URL among init_images, mask and image is downloaded (SD Web UI would otherwise fetch URLs
/// itself, from inside the pool's network); data-URLs are unwrapped to their base64; plain base64 passes as sent.
/// URLs inside always-on scripts' arguments are downloaded too (<see cref="ScriptArgumentInputs"/>).
/// </summary>
public sealed class InputResolver(IInputDownloader downloader)
{
    public async Task<SdWebUiInputs> ResolveAsync(SdTask task, CancellationToken cancellationToken)
    {
        var scripts = ScriptArgumentInputs.ResolveAsync(task.Content["alwayson_scripts"] as JsonObject, downloader, cancellationToken);
        var images = ResolveImagesAsync(task, cancellationToken);
        await Task.WhenAll(scripts, images);
        return scripts.Result is not { } resolved
            ? images.Result
            : new SdWebUiInputs { InitImages = images.Result.InitImages, Mask = images.Result.Mask, Image = images.Result.Image, AlwaysOnScripts = resolved };
    }

    private async Task<SdWebUiInputs> ResolveImagesAsync(SdTask task, CancellationToken cancellationToken)
    {
        switch (task.TaskType)
        {
            case TaskType.ImageToImage:
                var sources = InitImageSources(task);
                var mask = task.Content["mask"] is JsonValue maskValue && maskValue.TryGetValue<string>(out var maskText) ? maskText : null;
                var initImages = sources is null ? null : Task.WhenAll(sources.Select((s, i) => ResolveAsync(s, $"init_images[{i}]", cancellationToken)));
                var maskInput = mask is null ? null : ResolveAsync(mask, "mask", cancellationToken);
                return new SdWebUiInputs
                {
                    InitImages = initImages is null ? null : await initImages,
                    Mask = maskInput is null ? null : await maskInput,
                };
            case TaskType.ExtraSingleImage:
                var image = task.ImageLink
                    ?? (task.Content["image"] is JsonValue imageValue && imageValue.TryGetValue<string>(out var imageText) ? imageText : null);
                return image is null ? SdWebUiInputs.None : new SdWebUiInputs { Image = await ResolveAsync(image, "image", cancellationToken) };
            default:
                return SdWebUiInputs.None;
        }
    }

    /// <summary>init_images as sent, with image_link in the first place; null when there is nothing to resolve.</summary>
    private static List<string>? InitImageSources(SdTask task)
    {
        var sent = task.Content["init_images"] as JsonArray;
        if (sent is not null && sent.Any(i => i is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            throw DispatchFailure.Permanent(DispatchErrorTypes.InputInvalid, "init_images must hold strings: URLs, data-URLs or base64");
        }

        if (task.ImageLink is null && sent is null)
        {
            return null;
        }

        var sources = sent?.Select(i => i!.GetValue<string>()).ToList() ?? [];
        if (task.ImageLink is { } link)
        {
            if (sources.Count == 0)
            {
                sources.Add(link);
            }
            else
            {
                sources[0] = link;
            }
        }

        return sources;
    }

    private async Task<SdWebUiInput> ResolveAsync(string source, string field, CancellationToken cancellationToken) =>
        ImageInput.Classify(source) switch
        {
            ImageInputKind.Url => SdWebUiInput.FromBytes(await downloader.DownloadAsync(source, field, cancellationToken)),
            ImageInputKind.DataUrl or ImageInputKind.Base64 => SdWebUiInput.FromBase64(ImageInput.Base64Payload(source).ToString()),
            _ => throw DispatchFailure.Permanent(DispatchErrorTypes.InputInvalid, $"{field} is neither a URL, a base64 image data-URL nor base64"),
        };
}
