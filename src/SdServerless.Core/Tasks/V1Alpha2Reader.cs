using System.Text.Json;
using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>Reads {"task":{"metadata":{id, runtime, tasktype, prefix, context, callback_url},"content":{...}}}.</summary>
internal static class V1Alpha2Reader
{
    private const string ContentPath = "task.content.";

    public static void Read(JsonElement root, TaskDraft draft, RuntimeCatalog catalog)
    {
        var task = JsonFields.Object(root, "task", "task", draft, required: true);
        if (task.ValueKind == JsonValueKind.Undefined)
        {
            return;
        }

        var metadata = JsonFields.Object(task, "metadata", "task.metadata", draft, required: true);
        if (metadata.ValueKind == JsonValueKind.Object)
        {
            ReadMetadata(metadata, draft, catalog);
        }

        var content = JsonFields.Object(task, "content", "task.content", draft, required: true);
        if (content.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        draft.Content = content;
        var validator = new ContentValidator(draft, ContentPath);
        validator.Validate(content, RoutingFields.BoundsOf(draft), draft.TaskType);
        validator.ResolveModel();
        if (draft.Model is not null && draft.Runtime is not null && !RuntimeCatalog.Serves(draft.Runtime, draft.Model))
        {
            draft.Error(
                draft.ModelField!,
                $"'{draft.Model}' is not served by runtime '{draft.Runtime.Name}' (it serves: {RoutingFields.Known(draft.Runtime.Models)})");
        }
    }

    private static void ReadMetadata(JsonElement metadata, TaskDraft draft, RuntimeCatalog catalog)
    {
        RoutingFields.ReadId(metadata, "id", "task.metadata.id", draft);
        var runtime = JsonFields.String(metadata, "runtime", "task.metadata.runtime", draft, required: true);
        if (runtime is not null)
        {
            draft.Runtime = catalog.Find(runtime);
            if (draft.Runtime is null)
            {
                draft.Error("task.metadata.runtime", $"'{runtime}' is not a configured runtime (known: {RoutingFields.Known(catalog.Names)})");
            }
        }

        RoutingFields.ReadTaskType(metadata, "tasktype", "task.metadata.tasktype", draft);
        RoutingFields.ReadPrefix(metadata, "prefix", "task.metadata.prefix", draft);
        RoutingFields.ReadCallbackUrl(metadata, "callback_url", "task.metadata.callback_url", draft);
        draft.Context = JsonFields.Get(metadata, "context");
    }
}
