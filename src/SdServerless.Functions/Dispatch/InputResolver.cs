using System.Text.Json.Nodes;
using SdServerless.Core.Configuration;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Resolves a task's image inputs before any GPU is claimed: image_link becomes init_images[0] (image-to-image) or
/// image (extras); every URL among init_images, mask and image is downloaded (SD Web UI would otherwise fetch URLs
/// itself, from inside the pool's network); data-URLs are unwrapped to their base64; plain base64 passes as sent.
/// URLs inside always-on scripts' arguments are downloaded too (<see cref="ScriptArgumentInputs"/>).
/// Downloads run one after another and their total is bounded (<see cref="SdServerlessOptions.MaxInputBytes"/> for all
/// of a task's inputs together), so a task holds at most that much input however many URLs it names.
/// </summary>
public sealed class InputResolver(IInputDownloader downloader, SdServerlessOptions options)
{
    /// <summary>
    /// The task's inputs as SD Web UI takes them: every URL downloaded and every data-URL unwrapped to base64. Fails
    /// with a <see cref="DispatchFailure"/> when an input cannot be used.
    /// </summary>
    public async Task<SdWebUiInputs> ResolveAsync(SdTask task, CancellationToken cancellationToken)
    {
        var images = await ResolveImagesAsync(task, cancellationToken);
        return await ScriptArgumentInputs.ResolveAsync(task.Content["alwayson_scripts"] as JsonObject, downloader, cancellationToken) is not { } scripts
            ? images
            : new SdWebUiInputs { InitImages = images.InitImages, Mask = images.Mask, Image = images.Image, AlwaysOnScripts = scripts };
    }

    private async Task<SdWebUiInputs> ResolveImagesAsync(SdTask task, CancellationToken cancellationToken)
    {
        switch (task.TaskType)
        {
            case TaskType.ImageToImage:
                var sources = InitImageSources(task);
                var mask = task.Content["mask"] is JsonValue maskValue && maskValue.TryGetValue<string>(out var maskText) ? maskText : null;
                var budget = new InputBudget(options.MaxInputBytes);
                List<SdWebUiInput>? initImages = null;
                if (sources is not null)
                {
                    initImages = [];
                    for (var i = 0; i < sources.Count; i++)
                    {
                        initImages.Add(await ResolveAsync(task, sources[i], $"init_images[{i}]", budget, cancellationToken));
                    }
                }

                return new SdWebUiInputs
                {
                    InitImages = initImages?.ToArray(),
                    Mask = mask is null ? null : await ResolveAsync(task, mask, "mask", budget, cancellationToken),
                };
            case TaskType.ExtraSingleImage:
                var image = task.ImageLink
                    ?? (task.Content["image"] is JsonValue imageValue && imageValue.TryGetValue<string>(out var imageText) ? imageText : null);
                return image is null ? SdWebUiInputs.None : new SdWebUiInputs { Image = await ResolveAsync(task, image, "image", new InputBudget(options.MaxInputBytes), cancellationToken) };
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

    private async Task<SdWebUiInput> ResolveAsync(SdTask task, string source, string field, InputBudget budget, CancellationToken cancellationToken) =>
        ImageInput.Classify(source) switch
        {
            ImageInputKind.Url => SdWebUiInput.FromBytes(Measured(task, field, budget.Take(field, await downloader.DownloadAsync(source, field, cancellationToken)))),
            ImageInputKind.DataUrl or ImageInputKind.Base64 => SdWebUiInput.FromBase64(ImageInput.Base64Payload(source).ToString()),
            _ => throw DispatchFailure.Permanent(DispatchErrorTypes.InputInvalid, $"{field} is neither a URL, a base64 image data-URL nor base64"),
        };

    /// <summary>A downloaded image larger than the runtime takes (<see cref="InputImageBounds"/>) fails the task.</summary>
    private ReadOnlyMemory<byte> Measured(SdTask task, string field, ReadOnlyMemory<byte> image)
    {
        var bounds = options.Runtimes.FirstOrDefault(r => r.Name == task.Runtime)?.Bounds ?? new();
        return InputImageBounds.Problem(image.Span, bounds, task.TaskType) is { } problem
            ? throw DispatchFailure.Permanent(DispatchErrorTypes.InputTooLarge, $"{field} {problem}")
            : image;
    }

    /// <summary>The bytes a task's downloads may still take.</summary>
    private sealed class InputBudget(long limit)
    {
        private long _used;

        public ReadOnlyMemory<byte> Take(string field, ReadOnlyMemory<byte> bytes)
        {
            _used += bytes.Length;
            return _used <= limit
                ? bytes
                : throw DispatchFailure.Permanent(DispatchErrorTypes.InputTooLarge, $"{field}: the task's downloaded inputs pass {limit} bytes together");
        }
    }
}
