using System.Text.Json;

namespace SdServerless.Emulator.Api;

/// <summary>
/// What SD Web UI 1.10 refuses or fails on after pydantic accepted a txt2img/img2img body: scripts that are not
/// installed (422, before the queue), and inside processing (500): nulls in processing fields, override_settings keys
/// it does not know or may not change, URLs in script arguments it will not fetch, an empty mask, and more init
/// images than the batch holds. The emulator checks them before it queues the request; SD Web UI meets the processing
/// ones after it got the GPU.
/// </summary>
internal static class ProcessingChecks
{
    public static SdError? Check(BoundRequest request, SdWebUiEmulator emulator, bool img2img) =>
        Scripts(request, emulator.Options)
        ?? Nulls(request)
        ?? Overrides(request, emulator)
        ?? ScriptInputs(request, emulator.Options)
        ?? (img2img ? Img2ImgInputs(request, emulator.Options) : null);

    /// <summary>script_name must be an installed selectable script; every alwayson_scripts key an always-on one.</summary>
    private static SdError? Scripts(BoundRequest request, EmulatorOptions options)
    {
        if (request.Str("script_name") is { Length: > 0 } selectable && !Installed(options.SelectableScripts, selectable))
        {
            return SdError.HttpException(422, $"Script '{selectable}' not found");
        }

        foreach (var script in Properties(request.Element("alwayson_scripts")))
        {
            if (Installed(options.AlwaysOnScripts, script.Name))
            {
                continue;
            }

            return Installed(options.SelectableScripts, script.Name)
                ? SdError.HttpException(422, "Cannot have a selectable script in the always on scripts params")
                : SdError.HttpException(422, $"Script '{script.Name}' not found");
        }

        return null;
    }

    private static SdError? Nulls(BoundRequest request)
    {
        var field = request.Fields.FirstOrDefault(f => SdApiFields.CrashOnNull.Contains(f.Name) && request[f.Name] is null);
        return field is null ? null : SdError.Exception("TypeError", $"'NoneType' object cannot be used as {field.Name} (emulated)");
    }

    /// <summary>
    /// Each override goes through opts.set: a value equal to the current one (null for an unknown key included) is a
    /// no-op; an unknown key is a KeyError; with --freeze-settings any change is an AssertionError. A checkpoint
    /// override naming no alias is dropped before that, silently.
    /// </summary>
    private static SdError? Overrides(BoundRequest request, SdWebUiEmulator emulator)
    {
        foreach (var setting in Properties(request.Element("override_settings")))
        {
            var current = emulator.Settings.Get(setting.Name);
            if (setting.Name == "sd_model_checkpoint")
            {
                if (setting.Value.ValueKind != JsonValueKind.String || emulator.FindModel(setting.Value.GetString()) is null)
                {
                    continue;
                }
            }
            else if (setting.Value.ValueKind == JsonValueKind.Null && current is null)
            {
                continue;
            }
            else if (!emulator.Options.OptionKeys.Contains(setting.Name, StringComparer.Ordinal))
            {
                return SdError.Exception("KeyError", $"'{setting.Name}'");
            }

            if (emulator.Options.FreezeSettings && !(current is { } value && JsonElement.DeepEquals(value, setting.Value)))
            {
                return SdError.Exception("AssertionError", "changing settings is disabled");
            }
        }

        return null;
    }

    /// <summary>Extensions (ControlNet, …) decode the images in their arguments as the API does: URLs are refused alike.</summary>
    private static SdError? ScriptInputs(BoundRequest request, EmulatorOptions options)
    {
        foreach (var script in Properties(request.Element("alwayson_scripts")))
        {
            if (FirstUrl(script.Value) is { } url)
            {
                return SdError.HttpException(500, InputImage.UrlError(url, options.ApiEnableRequests));
            }
        }

        return null;
    }

    private static SdError? Img2ImgInputs(BoundRequest request, EmulatorOptions options)
    {
        var images = request.StrList("init_images");
        if (images is null)
        {
            return SdError.HttpException(404, "Init image not found");
        }

        if (images.Count == 0)
        {
            return SdError.Exception("IndexError", "list index out of range");
        }

        // The API decodes the mask only when it is truthy; processing then reads an empty one as an image.
        if (request.Str("mask") is { } mask)
        {
            if (mask.Length == 0)
            {
                return SdError.Exception("AttributeError", "'str' object has no attribute 'mode'");
            }

            if (InputImage.TryDecode(mask, out var maskError, options.ApiEnableRequests) is null)
            {
                return SdError.HttpException(500, maskError);
            }
        }

        foreach (var encoded in images)
        {
            if (InputImage.TryDecode(encoded, out var error, options.ApiEnableRequests) is null)
            {
                return SdError.HttpException(500, error);
            }
        }

        var batchSize = request.Int("batch_size", 1);
        return images.Count > batchSize
            ? SdError.Exception("RuntimeError", $"bad number of images passed: {images.Count}; expecting {batchSize} or less")
            : null;
    }

    private static string? FirstUrl(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when InputImage.IsUrl(value.GetString()!) => value.GetString(),
        JsonValueKind.Object => value.EnumerateObject().Select(p => FirstUrl(p.Value)).FirstOrDefault(u => u is not null),
        JsonValueKind.Array => value.EnumerateArray().Select(FirstUrl).FirstOrDefault(u => u is not null),
        _ => null,
    };

    private static IEnumerable<JsonProperty> Properties(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } obj ? obj.EnumerateObject() : [];

    private static bool Installed(IEnumerable<string> titles, string name) => titles.Contains(name, StringComparer.OrdinalIgnoreCase);
}
