using System.Text.Json;
using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>The routing values both API versions carry (under different names): id, task type, prefix, callback.</summary>
internal static class RoutingFields
{
    private const string TaskTypeMessage = "must be one of text-to-image, image-to-image, extra-single-image";

    public static void ReadId(JsonElement obj, string name, string field, TaskDraft draft)
    {
        var id = JsonFields.String(obj, name, field, draft, required: true);
        if (id is null)
        {
            return;
        }

        if (KeyRules.CheckId(id) is { } problem)
        {
            draft.Error(field, problem);
        }
        else
        {
            draft.Id = id;
        }
    }

    public static void ReadTaskType(JsonElement obj, string name, string field, TaskDraft draft)
    {
        var value = JsonFields.String(obj, name, field, draft, required: true);
        draft.TaskType = value switch
        {
            null => null,
            "text-to-image" => TaskType.TextToImage,
            "image-to-image" => TaskType.ImageToImage,
            "extra-single-image" => TaskType.ExtraSingleImage,
            _ => null,
        };
        if (value is not null && draft.TaskType is null)
        {
            draft.Error(field, TaskTypeMessage);
        }
    }

    /// <summary>An absent or empty prefix means the runtime's default.</summary>
    public static void ReadPrefix(JsonElement obj, string name, string field, TaskDraft draft)
    {
        var prefix = JsonFields.String(obj, name, field, draft, required: false);
        if (string.IsNullOrEmpty(prefix))
        {
            return;
        }

        if (KeyRules.CheckPrefix(prefix, out var normalized) is { } problem)
        {
            draft.Error(field, problem);
        }
        else
        {
            draft.Prefix = normalized;
        }
    }

    public static void ReadCallbackUrl(JsonElement obj, string name, string field, TaskDraft draft)
    {
        var url = JsonFields.String(obj, name, field, draft, required: false);
        if (!string.IsNullOrEmpty(url))
        {
            draft.CallbackUrl = url;
            draft.CheckUrl(field, url);
        }
    }

    public static string Known(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    public static GenerationBounds BoundsOf(TaskDraft draft) => draft.Runtime?.Bounds ?? DefaultBounds;

    private static readonly GenerationBounds DefaultBounds = new();
}
