using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>
/// Checks the SD Web UI part of a request (v1alpha2 content, or the whole v1alpha1 body) as SD Web UI 1.10 would
/// take it: the known fields with pydantic's coercions (the coerced value is what gets forwarded), the nulls it
/// refuses or crashes on, alwayson_scripts and override_settings, the image inputs, the runtime's generation
/// bounds, and the input the task type needs.
/// </summary>
/// <param name="draft">The task being read: it collects the errors, the coerced values and the URLs to check.</param>
/// <param name="path">What error fields start with: "task.content." or "" (v1alpha1).</param>
internal sealed class ContentValidator(TaskDraft draft, string path)
{
    private const string ImageFormMessage = "must be an https URL, a data:image/...;base64 URL or base64 image data";

    private readonly GenerationValues _values = new();
    /// <summary>
    /// URL inputs one task may name (init_images, mask, image, image_link together): each is downloaded by the
    /// dispatcher on every attempt and checked in DNS at submission, so their number is what bounds that work.
    /// </summary>
    public const int MaxUrlInputs = 4;

    /// <summary>init_images entries of any form: SD Web UI refuses more images than batch_size (at most 16).</summary>
    public const int MaxInitImages = 16;

    /// <summary>The single-image fields whose URLs the dispatcher downloads (and sends on as base64).</summary>
    private static readonly HashSet<string> DownloadedImageFields = new(StringComparer.Ordinal) { "mask", SdWebUiFields.Image };

    /// <summary>Decoded from an inline input to read its size: a JPEG's frame header may follow its metadata.</summary>
    private const int ImageHeadBytes = 128 * 1024;

    private int _initImageCount;
    private int _urlInputs;
    private bool _hasImage;
    private GenerationBounds _bounds = new();
    private TaskType? _taskType;

    public void Validate(JsonElement content, GenerationBounds bounds, TaskType? taskType)
    {
        _bounds = bounds;
        _taskType = taskType;
        foreach (var property in content.EnumerateObject())
        {
            if (!SdWebUiFields.TryGet(property, out var field))
            {
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                if (NullRules.Problem(property.Name, taskType) is { } problem && !IsInput(property.Name))
                {
                    draft.Error(path + property.Name, problem);
                }
            }
            else
            {
                CheckField(property, field, taskType);
            }
        }

        var overrides = JsonFields.Get(content, SdWebUiFields.OverrideSettings);
        CheckOverrideSettings(overrides);
        if (JsonFields.Get(content, SdWebUiFields.AlwaysOnScripts) is { ValueKind: JsonValueKind.Object } scripts)
        {
            new AlwaysOnScriptsValidator(draft, path).Check(scripts, overrides);
        }

        var urls = _urlInputs + (draft.ImageLink is null ? 0 : 1);
        if (urls > MaxUrlInputs)
        {
            draft.Error(path + SdWebUiFields.InitImages,
                $"a task may name at most {MaxUrlInputs} URL inputs (init_images, mask, image and image_link together); this one names {urls}. Send the others as base64 or data URLs");
        }

        _values.HiresEnabled = JsonFields.Get(content, "enable_hr") is { ValueKind: JsonValueKind.True }
            || draft.ContentReplacements.GetValueOrDefault("enable_hr") is { } coerced && coerced.GetValueKind() == JsonValueKind.True;
        _values.Check(bounds, draft, path);
        CheckInputs(taskType);
    }

    /// <summary>Every checkpoint the content names must be one; the first one found is the task's model.</summary>
    public void ResolveModel()
    {
        foreach (var (field, model) in draft.ModelRequests)
        {
            if (draft.Model is null)
            {
                draft.Model = model;
                draft.ModelField = field;
            }
            else if (model != draft.Model)
            {
                draft.Error(field, $"names another checkpoint ('{model}') than {draft.ModelField} ('{draft.Model}')");
            }
        }
    }

    private void CheckInputs(TaskType? taskType)
    {
        var hasInitImages = _initImageCount > 0;
        if (taskType == TaskType.ImageToImage && !hasInitImages && draft.ImageLink is null)
        {
            draft.Error(path + SdWebUiFields.InitImages, "image-to-image needs an input image: alwayson_scripts.image_link or init_images");
        }
        else if (taskType == TaskType.ExtraSingleImage && !_hasImage && draft.ImageLink is null)
        {
            draft.Error(path + SdWebUiFields.Image, "extra-single-image needs an input image: image or alwayson_scripts.image_link");
        }

        var batchSize = (long)(_values.Get(BoundedField.BatchSize) ?? 1);
        if (taskType == TaskType.ImageToImage && _initImageCount > batchSize)
        {
            draft.Error(path + SdWebUiFields.InitImages,
                $"holds {_initImageCount} images but batch_size is {batchSize}: SD Web UI takes at most batch_size init images (it fails with \"bad number of images passed\")");
        }
    }

    private void CheckOverrideSettings(JsonElement overrides)
    {
        if (overrides.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var setting in overrides.EnumerateObject())
        {
            var field = $"{path}{SdWebUiFields.OverrideSettings}.{setting.Name}";
            if (setting.NameEquals(SdWebUiFields.ModelSetting))
            {
                if (setting.Value.ValueKind == JsonValueKind.String)
                {
                    draft.ModelRequests.Add((field, setting.Value.GetString()!));
                }
                else if (setting.Value.ValueKind != JsonValueKind.Null)
                {
                    draft.Error(field, "must be a string");
                }
            }
            else if (setting.Value.ValueKind != JsonValueKind.Null)
            {
                // A null value for a key SD Web UI does not know is a no-op there (it compares before it looks the key up).
                OptionKeyCheck.Check(draft, setting.Name, field);
            }
        }
    }

    private void CheckField(JsonProperty property, KnownField field, TaskType? taskType)
    {
        var value = property.Value;
        string? problem = null;
        JsonNode? normalized = null;
        double number = 0;
        switch (field.Kind)
        {
            case FieldKind.String:
                problem = PydanticCoercion.String(value, out normalized);
                break;
            case FieldKind.Boolean:
                problem = PydanticCoercion.Boolean(value, out normalized);
                break;
            case FieldKind.Object when value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0:
                // pydantic's dict([]) is {}.
                draft.ContentRemovals.Add(property.Name);
                break;
            case FieldKind.Object when value.ValueKind != JsonValueKind.Object:
                problem = "must be an object";
                break;
            case FieldKind.Array when value.ValueKind != JsonValueKind.Array:
                problem = "must be an array";
                break;
            case FieldKind.Integer:
                problem = PydanticCoercion.Integer(value, out var integer, out normalized);
                number = integer;
                break;
            case FieldKind.Number:
                problem = PydanticCoercion.Number(value, out number, out normalized);
                break;
            case FieldKind.StringArray:
                problem = CheckStrings(property);
                break;
            case FieldKind.ImageArray:
                problem = CheckImages(property);
                break;
            case FieldKind.Image when value.ValueKind != JsonValueKind.String:
                problem = "must be a string";
                break;
            case FieldKind.Image when RawString(value).IsEmpty:
                // SD Web UI skips decoding an empty mask and then fails on it (500): "" means no mask, so it is dropped.
                if (property.NameEquals("mask") && taskType == TaskType.ImageToImage)
                {
                    draft.ContentRemovals.Add(property.Name);
                }

                break;
            case FieldKind.Image:
                var kind = ImageInputKind.Invalid;
                problem = DownloadedImageFields.Contains(property.Name) || ImageInput.Classify(Utf8Text(value)) != ImageInputKind.Url
                    ? CheckImage(value, path + property.Name, out kind)
                    : "must be a data:image/...;base64 URL or base64 image data: only init_images, mask and image may be URLs (the dispatcher downloads those; SD Web UI would fetch any other URL itself, from inside the GPU network)";
                _hasImage |= problem is null && property.NameEquals(SdWebUiFields.Image);
                problem ??= SizeProblem(value, kind);
                break;
        }

        problem ??= SettingProblem(property, normalized);
        if (problem is not null)
        {
            draft.Error(path + property.Name, problem);
            return;
        }

        if (normalized is not null)
        {
            draft.ContentReplacements[property.Name] = normalized;
        }

        if (field.Bound != BoundedField.None)
        {
            _values.Set(field.Bound, number);
        }
    }

    /// <summary>
    /// The selectable scripts that run more jobs than the request describes (a grid cell, a prompt line or a loop per
    /// job), past every bound the runtime sets. SD Web UI matches script_name without regard to case.
    /// </summary>
    private static readonly HashSet<string> JobMultiplyingScripts = new(StringComparer.OrdinalIgnoreCase)
    {
        "X/Y/Z plot", "Prompt matrix", "Prompts from file or textbox", "Loopback",
    };

    /// <summary>Values that SD Web UI takes but that would escape one task: its settings, or its bounds.</summary>
    private static string? SettingProblem(JsonProperty property, JsonNode? normalized)
    {
        if (property.NameEquals("override_settings_restore_afterwards")
            && (normalized?.GetValueKind() ?? property.Value.ValueKind) == JsonValueKind.False)
        {
            return "must be true (or left out): with false SD Web UI keeps this task's override_settings for every later task on the server";
        }

        if (property.NameEquals("script_name")
            && (normalized?.GetValue<string>() ?? property.Value.GetString()) is { } script
            && JobMultiplyingScripts.Contains(script.Trim()))
        {
            return $"the '{script}' script runs a job per grid cell, prompt line or loop, beyond this runtime's bounds on images, steps and size; it is not accepted";
        }

        return null;
    }

    private string? CheckStrings(JsonProperty property)
    {
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            return "must be an array of strings";
        }

        JsonArray? coerced = null;
        var index = 0;
        foreach (var item in property.Value.EnumerateArray())
        {
            JsonNode? normalized = null;
            var problem = item.ValueKind == JsonValueKind.Null ? "must be a string" : PydanticCoercion.String(item, out normalized);
            if (problem is not null)
            {
                draft.Error($"{path}{property.Name}[{index}]", problem);
            }
            else if (normalized is not null)
            {
                coerced ??= JsonArray.Create(property.Value)!;
                coerced[index] = normalized;
            }

            index++;
        }

        if (coerced is not null)
        {
            draft.ContentReplacements[property.Name] = coerced;
        }

        return null;
    }

    private string? CheckImages(JsonProperty property)
    {
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            return "must be an array of images";
        }

        if (property.Value.GetArrayLength() > MaxInitImages)
        {
            return $"holds {property.Value.GetArrayLength()} images; at most {MaxInitImages} (SD Web UI takes no more than batch_size)";
        }

        var index = 0;
        foreach (var item in property.Value.EnumerateArray())
        {
            var problem = item.ValueKind != JsonValueKind.String ? "must be a string"
                : RawString(item).IsEmpty ? ImageFormMessage
                : CheckImage(item, $"{path}{property.Name}[{index}]", out var kind) ?? SizeProblem(item, kind);
            if (problem is not null)
            {
                draft.Error($"{path}{property.Name}[{index}]", problem);
            }

            index++;
        }

        _initImageCount = index;
        return null;
    }

    /// <returns>Why the input is unusable, or null; a URL is queued for the address check.</returns>
    private string? CheckImage(JsonElement value, string field, out ImageInputKind kind)
    {
        kind = ImageInput.Classify(Utf8Text(value));
        if (kind == ImageInputKind.Url && ++_urlInputs <= MaxUrlInputs)
        {
            draft.CheckUrl(field, value.GetString()!);
        }

        return kind == ImageInputKind.Invalid ? ImageFormMessage : null;
    }

    /// <summary>
    /// An inline input larger than the runtime takes (<see cref="InputImageBounds"/>), read from its header; a
    /// downloaded one is measured when the dispatcher has it.
    /// </summary>
    private string? SizeProblem(JsonElement value, ImageInputKind kind)
    {
        if (kind is not (ImageInputKind.DataUrl or ImageInputKind.Base64) || _taskType is not (TaskType.ImageToImage or TaskType.ExtraSingleImage))
        {
            return null;
        }

        return InputImageBounds.Problem(ImageInput.DecodeHead(Utf8Text(value), ImageHeadBytes), _bounds, _taskType.Value);
    }

    /// <summary>
    /// A string value's UTF-8 text, unescaped: escaped JSON (e.g. "\/" from some encoders) has to be unescaped before
    /// it can be judged; unescaped text is read in place, never turned into a string.
    /// </summary>
    private static ReadOnlySpan<byte> Utf8Text(JsonElement value)
    {
        var raw = RawString(value);
        return raw.Contains((byte)'\\') ? System.Text.Encoding.UTF8.GetBytes(value.GetString()!) : raw;
    }

    /// <summary>Inputs a null leaves to alwayson_scripts.image_link, or to the "needs an input" check.</summary>
    private static bool IsInput(string name) => name is SdWebUiFields.InitImages or SdWebUiFields.Image;

    private static ReadOnlySpan<byte> RawString(JsonElement value) => JsonMarshal.GetRawUtf8Value(value)[1..^1];
}
