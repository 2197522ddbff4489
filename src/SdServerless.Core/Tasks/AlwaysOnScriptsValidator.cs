using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SdServerless.Core.SdWebUi;

namespace SdServerless.Core.Tasks;

/// <summary>
/// Checks alwayson_scripts, where SD Web UI accepts only the titles of its installed always-on scripts (422
/// "Script '…' not found" otherwise). Routing keys are taken out; the compatibility keys clients of the reference
/// implementation send there become what they mean: sd_model_checkpoint the model, sd_vae and override_settings
/// settings overrides. Every URL inside a script's arguments is checked like any input: the dispatcher downloads it.
/// </summary>
internal sealed class AlwaysOnScriptsValidator(TaskDraft draft, string path)
{
    public const string VaeKey = "sd_vae";
    public const string OverridesKey = "override_settings";
    private const string ScriptMessage = "must be an object (a script's {\"args\": [...]})";

    /// <summary>A scheme ends within this many bytes; a "://" further on is not a URL's.</summary>
    private const int MaxSchemeLength = 32;

    public static bool IsCompatibilityKey(string key, string apiVersion) =>
        key is VaeKey or OverridesKey || (key == RoutingKeys.Model && apiVersion == ApiVersion.V1Alpha2);

    public void Check(JsonElement scripts, JsonElement overrides)
    {
        foreach (var script in scripts.EnumerateObject())
        {
            var field = $"{path}{SdWebUiFields.AlwaysOnScripts}.{script.Name}";
            var value = script.Value;
            switch (script.Name)
            {
                case RoutingKeys.ImageLink:
                    CheckImageLink(value, field);
                    break;
                case RoutingKeys.Model when draft.ApiVersion == ApiVersion.V1Alpha2:
                    if (ReadString(value, field) is { } model)
                    {
                        draft.ModelRequests.Add((field, model));
                    }

                    break;
                case VaeKey:
                    if (ReadString(value, field) is { } vae)
                    {
                        Override(VaeKey, JsonValue.Create(vae), field, overrides);
                    }

                    break;
                case OverridesKey when value.ValueKind == JsonValueKind.Object:
                    foreach (var setting in value.EnumerateObject())
                    {
                        Override(setting.Name, JsonSerializerNode(setting.Value), $"{field}.{setting.Name}", overrides);
                    }

                    break;
                case OverridesKey when value.ValueKind != JsonValueKind.Null:
                    draft.Error(field, "must be an object of settings");
                    break;
                case var key when RoutingKeys.IsRoutingKey(key, draft.ApiVersion) || key == OverridesKey:
                    break;
                default:
                    CheckScript(script.Name, value, field);
                    break;
            }
        }
    }

    private void CheckScript(string name, JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            draft.Error(field, ScriptMessage);
            return;
        }

        if (draft.Runtime is { } runtime)
        {
            var installed = runtime.AlwaysOnScripts ?? SdWebUiDefaults.AlwaysOnScripts;
            if (!installed.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                draft.Error(field, $"is not an always-on script installed on runtime '{runtime.Name}' (SD Web UI would answer " +
                    $"\"Script '{name}' not found\"); installed: {string.Join(", ", installed)}. A runtime lists its servers' scripts in always_on_scripts");
                return;
            }
        }

        CheckUrls(value, field);
    }

    /// <summary>A setting given in alwayson_scripts joins override_settings; the same setting twice must agree.</summary>
    private void Override(string key, JsonNode? value, string field, JsonElement overrides)
    {
        if (value is null)
        {
            return;
        }

        if (key == SdWebUiFields.ModelSetting)
        {
            if (value.GetValueKind() == JsonValueKind.String)
            {
                draft.ModelRequests.Add((field, value.GetValue<string>()));
            }
            else
            {
                draft.Error(field, "must be a string");
            }

            return;
        }

        var sent = overrides.ValueKind == JsonValueKind.Object && overrides.TryGetProperty(key, out var own) ? JsonSerializerNode(own) : null;
        var earlier = draft.ExtraOverrides[key];
        if ((sent is not null && !JsonNode.DeepEquals(sent, value)) || (earlier is not null && !JsonNode.DeepEquals(earlier, value)))
        {
            draft.Error(field, $"sets {key} to another value than override_settings.{key}");
            return;
        }

        if (sent is null)
        {
            draft.ExtraOverrides[key] = value.DeepClone();
            OptionKeyCheck.Check(draft, key, field);
        }
    }

    private string? ReadString(JsonElement value, string field)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() is { Length: > 0 } text:
                return text;
            case JsonValueKind.String or JsonValueKind.Null:
                return null;
            default:
                draft.Error(field, "must be a string");
                return null;
        }
    }

    private void CheckImageLink(JsonElement link, string field)
    {
        if (link.ValueKind == JsonValueKind.Null || (link.ValueKind == JsonValueKind.String && link.GetString()!.Length == 0))
        {
            return;
        }

        if (link.ValueKind != JsonValueKind.String)
        {
            draft.Error(field, "must be a string");
            return;
        }

        draft.ImageLink = link.GetString()!;
        draft.CheckUrl(field, draft.ImageLink);
    }

    /// <summary>
    /// Every "scheme://…" string in a script's arguments (a ControlNet unit's image, say): http(s) URLs are checked
    /// and later downloaded by the dispatcher, since SD Web UI refuses to fetch them; other schemes cannot be read.
    /// </summary>
    private void CheckUrls(JsonElement value, string field)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    CheckUrls(property.Value, $"{field}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    CheckUrls(item, $"{field}[{index++}]");
                }

                break;
            case JsonValueKind.String when IsUrl(value):
                var url = value.GetString()!;
                if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                {
                    draft.CheckUrl(field, url);
                }
                else
                {
                    draft.Error(field, $"'{url[..url.IndexOf(':', StringComparison.Ordinal)]}:' inputs cannot be read: give an https URL, a data URL or base64");
                }

                break;
        }
    }

    /// <summary>Looks only at the start: script arguments may carry megabytes of base64.</summary>
    public static bool IsUrl(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value)[1..^1];
        var start = raw[..Math.Min(raw.Length, MaxSchemeLength)];
        var colon = start.IndexOf((byte)':');
        return colon > 0 && raw[colon..].StartsWith("://"u8) && System.Text.Ascii.IsValid(raw[..colon]) && !raw[..colon].Contains((byte)'\\');
    }

    private static JsonNode? JsonSerializerNode(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Object => JsonObject.Create(value),
        JsonValueKind.Array => JsonArray.Create(value),
        _ => JsonValue.Create(value),
    };
}
