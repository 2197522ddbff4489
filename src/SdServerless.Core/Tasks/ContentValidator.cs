using System.Runtime.InteropServices;
using System.Text.Json;
using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>
/// Checks the SD Web UI part of a request (v1alpha2 content, or the whole v1alpha1 body): the types of known
/// fields, the image inputs, the runtime's generation bounds, and the input the task type needs.
/// </summary>
/// <param name="path">What error fields start with: "task.content." or "" (v1alpha1).</param>
internal sealed class ContentValidator(TaskDraft draft, string path)
{
    private const string ImageFormMessage = "must be an https URL, a data:image/...;base64 URL or base64 image data";
    private const string ScriptMessage = "must be an object (a script's {\"args\": [...]})";

    /// <summary>
    /// URL inputs one task may name (init_images, mask, image, image_link together): each is downloaded by the
    /// dispatcher on every attempt and checked in DNS at submission, so their number is what bounds that work.
    /// </summary>
    public const int MaxUrlInputs = 4;

    /// <summary>init_images entries of any form: SD Web UI refuses more images than batch_size (at most 16).</summary>
    public const int MaxInitImages = 16;

    /// <summary>The single-image fields whose URLs the dispatcher downloads (and sends on as base64).</summary>
    private static readonly HashSet<string> DownloadedImageFields = new(StringComparer.Ordinal) { "mask", SdWebUiFields.Image };

    private readonly GenerationValues values = new();
    private int urlInputs;
    private bool hasInitImages;
    private bool hasImage;

    public string ModelOverrideField => $"{path}{SdWebUiFields.OverrideSettings}.{SdWebUiFields.ModelSetting}";

    public void Validate(JsonElement content, GenerationBounds bounds, TaskType? taskType)
    {
        foreach (var property in content.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Null && SdWebUiFields.TryGet(property, out var field))
            {
                CheckField(property, field);
            }
        }

        CheckAlwaysOnScripts(JsonFields.Get(content, SdWebUiFields.AlwaysOnScripts));
        if (urlInputs > MaxUrlInputs)
        {
            draft.Error(path + SdWebUiFields.InitImages,
                $"a task may name at most {MaxUrlInputs} URL inputs (init_images, mask, image and image_link together); this one names {urlInputs}. Send the others as base64 or data URLs");
        }

        values.Check(bounds, draft, path);
        if (taskType == TaskType.ImageToImage && !hasInitImages && draft.ImageLink is null)
        {
            draft.Error(path + SdWebUiFields.InitImages, "image-to-image needs an input image: alwayson_scripts.image_link or init_images");
        }
        else if (taskType == TaskType.ExtraSingleImage && !hasImage && draft.ImageLink is null)
        {
            draft.Error(path + SdWebUiFields.Image, "extra-single-image needs an input image: image or alwayson_scripts.image_link");
        }
    }

    /// <summary>override_settings.sd_model_checkpoint: the model a v1alpha2 task asks for.</summary>
    public string? ReadModelOverride(JsonElement content)
    {
        var settings = JsonFields.Get(content, SdWebUiFields.OverrideSettings);
        return settings.ValueKind == JsonValueKind.Object
            ? JsonFields.String(settings, SdWebUiFields.ModelSetting, ModelOverrideField, draft, required: false)
            : null;
    }

    private void CheckField(JsonProperty property, KnownField field)
    {
        var value = property.Value;
        string? problem = null;
        double number = 0;
        switch (field.Kind)
        {
            case FieldKind.String when value.ValueKind != JsonValueKind.String:
                problem = "must be a string";
                break;
            case FieldKind.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                problem = "must be true or false";
                break;
            case FieldKind.Object when value.ValueKind != JsonValueKind.Object:
                problem = "must be an object";
                break;
            case FieldKind.Array when value.ValueKind != JsonValueKind.Array:
                problem = "must be an array";
                break;
            case FieldKind.Integer:
                problem = JsonFields.Integer(value, out var integer);
                number = integer;
                break;
            case FieldKind.Number:
                problem = JsonFields.Number(value, out number);
                break;
            case FieldKind.StringArray or FieldKind.ImageArray:
                problem = CheckArray(property, field.Kind == FieldKind.ImageArray);
                break;
            case FieldKind.Image when value.ValueKind != JsonValueKind.String:
                problem = "must be a string";
                break;
            case FieldKind.Image when !IsEmptyString(value):
                // An empty string means "none" to SD Web UI (e.g. "mask": "").
                problem = DownloadedImageFields.Contains(property.Name) || ImageInput.Classify(value.GetString()) != ImageInputKind.Url
                    ? CheckImage(value, path + property.Name)
                    : "must be a data:image/...;base64 URL or base64 image data: only init_images, mask and image may be URLs (the dispatcher downloads those; SD Web UI would fetch any other URL itself, from inside the GPU network)";
                hasImage |= problem is null && property.NameEquals(SdWebUiFields.Image);
                break;
        }

        if (problem is not null)
        {
            draft.Error(path + property.Name, problem);
        }
        else if (field.Bound != BoundedField.None)
        {
            values.Set(field.Bound, number);
        }
    }

    private string? CheckArray(JsonProperty property, bool images)
    {
        var array = property.Value;
        if (array.ValueKind != JsonValueKind.Array)
        {
            return images ? "must be an array of images" : "must be an array of strings";
        }

        if (images && array.GetArrayLength() > MaxInitImages)
        {
            return $"holds {array.GetArrayLength()} images; at most {MaxInitImages} (SD Web UI takes no more than batch_size)";
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var problem = item.ValueKind != JsonValueKind.String ? "must be a string"
                : images && IsEmptyString(item) ? ImageFormMessage
                : images ? CheckImage(item, $"{path}{property.Name}[{index}]")
                : null;
            if (problem is not null)
            {
                draft.Error($"{path}{property.Name}[{index}]", problem);
            }

            index++;
        }

        hasInitImages |= images && index > 0;
        return null;
    }

    /// <returns>Why the input is unusable, or null; a URL is queued for the address check.</returns>
    private string? CheckImage(JsonElement value, string field)
    {
        var raw = RawString(value);

        // Escaped JSON (e.g. "\/" from some encoders) has to be unescaped before it can be judged.
        var kind = raw.Contains((byte)'\\') ? ImageInput.Classify(value.GetString()) : ImageInput.Classify(raw);
        if (kind == ImageInputKind.Url && ++urlInputs <= MaxUrlInputs)
        {
            draft.CheckUrl(field, value.GetString()!);
        }

        return kind == ImageInputKind.Invalid ? ImageFormMessage : null;
    }

    private void CheckAlwaysOnScripts(JsonElement scripts)
    {
        if (scripts.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var script in scripts.EnumerateObject())
        {
            if (script.NameEquals(RoutingKeys.ImageLink))
            {
                CheckImageLink(script.Value);
            }
            else if (!RoutingKeys.IsRoutingKey(script.Name, draft.ApiVersion) && script.Value.ValueKind != JsonValueKind.Object)
            {
                draft.Error($"{path}{SdWebUiFields.AlwaysOnScripts}.{script.Name}", ScriptMessage);
            }
        }
    }

    private void CheckImageLink(JsonElement link)
    {
        var field = $"{path}{SdWebUiFields.AlwaysOnScripts}.{RoutingKeys.ImageLink}";
        if (link.ValueKind == JsonValueKind.Null || (link.ValueKind == JsonValueKind.String && IsEmptyString(link)))
        {
            return;
        }

        if (link.ValueKind != JsonValueKind.String)
        {
            draft.Error(field, "must be a string");
            return;
        }

        draft.ImageLink = link.GetString()!;
        if (++urlInputs <= MaxUrlInputs)
        {
            draft.CheckUrl(field, draft.ImageLink);
        }
    }

    private static ReadOnlySpan<byte> RawString(JsonElement value) => JsonMarshal.GetRawUtf8Value(value)[1..^1];

    private static bool IsEmptyString(JsonElement value) => RawString(value).IsEmpty;
}
