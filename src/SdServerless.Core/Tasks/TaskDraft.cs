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
        Content = StripRoutingKeys(JsonObject.Create(Content)!),
    };

    private JsonObject StripRoutingKeys(JsonObject content)
    {
        if (content[SdWebUiFields.AlwaysOnScripts] is not JsonObject scripts)
        {
            return content;
        }

        List<string>? routing = null;
        foreach (var (key, _) in scripts)
        {
            if (RoutingKeys.IsRoutingKey(key, ApiVersion))
            {
                (routing ??= []).Add(key);
            }
        }

        foreach (var key in routing ?? [])
        {
            scripts.Remove(key);
        }

        if (scripts.Count == 0)
        {
            content.Remove(SdWebUiFields.AlwaysOnScripts);
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
