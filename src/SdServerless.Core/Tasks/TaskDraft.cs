using System.Text.Json;
using System.Text.Json.Nodes;
using SdServerless.Core.Runtimes;
using SdServerless.Core.Validation;

namespace SdServerless.Core.Tasks;

/// <summary>A task as it is being read: what was found so far, every error, and the URLs still to check.</summary>
internal sealed class TaskDraft(string apiVersion)
{
    /// <summary>A hostile body could hold millions of faults; listing this many is enough to act on.</summary>
    public const int MaxErrors = 50;

    public string ApiVersion { get; } = apiVersion;

    public List<FieldError> Errors { get; } = [];

    public List<(string Field, string Url)> UrlChecks { get; } = [];

    public string? Id { get; set; }

    public RuntimeConfig? Runtime { get; set; }

    public TaskType? TaskType { get; set; }

    public string? Prefix { get; set; }

    public JsonElement Context { get; set; }

    public string? CallbackUrl { get; set; }

    public string? Model { get; set; }

    /// <summary>Where <see cref="Model"/> was named, for error messages.</summary>
    public string? ModelField { get; set; }

    /// <summary>Every place the content names a checkpoint (override_settings, alwayson_scripts); they must agree.</summary>
    public List<(string Field, string Model)> ModelRequests { get; } = [];

    /// <summary>Content fields to forward in their coerced form (pydantic's "20" → 20).</summary>
    public Dictionary<string, JsonNode?> ContentReplacements { get; } = new(StringComparer.Ordinal);

    /// <summary>Content fields that mean nothing to SD Web UI as sent and are left out ("mask": "", alwayson_scripts: []).</summary>
    public HashSet<string> ContentRemovals { get; } = new(StringComparer.Ordinal);

    /// <summary>Settings given in alwayson_scripts (sd_vae, override_settings): they join override_settings.</summary>
    public JsonObject ExtraOverrides { get; } = [];

    public string? ImageLink { get; set; }

    public JsonElement Content { get; set; }

    public void Error(string field, string message)
    {
        if (Errors.Count < MaxErrors)
        {
            Errors.Add(new FieldError(field, message));
        }
        else if (Errors.Count == MaxErrors)
        {
            Errors.Add(new FieldError("body", $"has more than {MaxErrors} errors; the rest are not listed"));
        }
    }

    /// <summary>URLs one submission resolves in DNS, whatever names them: bounds the work a request can cause.</summary>
    public const int MaxUrlChecks = 8;

    /// <summary>Queues the URL for the address check (DNS); past <see cref="MaxUrlChecks"/> the field is refused instead.</summary>
    public void CheckUrl(string field, string url)
    {
        if (UrlChecks.Count < MaxUrlChecks)
        {
            UrlChecks.Add((field, url));
        }
        else
        {
            Error(field, $"is one URL too many: a task may hold at most {MaxUrlChecks} URLs");
        }
    }

    public SdTask ToTask() => new()
    {
        ApiVersion = ApiVersion,
        Id = Id!,
        Runtime = Runtime!.Name,
        TaskType = TaskType!.Value,
        Prefix = Prefix ?? Runtime.DefaultPrefix,
        Context = ToNode(Context),
        CallbackUrl = CallbackUrl,
        Model = Model,
        ImageLink = ImageLink,
        Content = Shape(JsonObject.Create(Content)!),
    };

    /// <summary>The content SD Web UI gets: coerced values, routing and compatibility keys out of alwayson_scripts.</summary>
    private JsonObject Shape(JsonObject content)
    {
        foreach (var (name, value) in ContentReplacements)
        {
            content[name] = value;
        }

        foreach (var name in ContentRemovals)
        {
            content.Remove(name);
        }

        if (content[SdWebUiFields.AlwaysOnScripts] is JsonObject scripts)
        {
            foreach (var key in scripts.Select(p => p.Key).ToList())
            {
                if (RoutingKeys.IsRoutingKey(key, ApiVersion) || AlwaysOnScriptsValidator.IsCompatibilityKey(key, ApiVersion))
                {
                    scripts.Remove(key);
                }
            }

            if (scripts.Count == 0)
            {
                content.Remove(SdWebUiFields.AlwaysOnScripts);
            }
        }

        if (ExtraOverrides.Count > 0)
        {
            if (content[SdWebUiFields.OverrideSettings] is not JsonObject overrides)
            {
                content[SdWebUiFields.OverrideSettings] = overrides = [];
            }

            foreach (var (key, value) in ExtraOverrides)
            {
                overrides[key] = value?.DeepClone();
            }
        }

        return content;
    }

    private static JsonNode? ToNode(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(value),
        JsonValueKind.Array => JsonArray.Create(value),
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        _ => JsonValue.Create(value),
    };
}
