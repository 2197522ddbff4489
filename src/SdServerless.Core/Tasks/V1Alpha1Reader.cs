using System.Text.Json;
using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Tasks;

/// <summary>
/// Reads a flat SD Web UI body whose alwayson_scripts carries the routing: task, id_task, sd_model_checkpoint,
/// image_link, save_dir, callback_url, uid, and (our addition, as v1alpha1 has no metadata) context.
/// The runtime is the first one serving sd_model_checkpoint.
/// </summary>
internal static class V1Alpha1Reader
{
    private const string Scripts = "alwayson_scripts";

    public static void Read(JsonElement root, TaskDraft draft, RuntimeCatalog catalog)
    {
        draft.Content = root;

        // A wrong type of alwayson_scripts itself is reported by the content checks; its routing keys are then missing.
        var scripts = JsonFields.Get(root, Scripts);
        ReadRouting(scripts.ValueKind == JsonValueKind.Object ? scripts : EmptyObject, draft, catalog);

        var validator = new ContentValidator(draft, string.Empty);
        validator.Validate(root, RoutingFields.BoundsOf(draft), draft.TaskType);
        validator.ResolveModel();
    }

    private static void ReadRouting(JsonElement scripts, TaskDraft draft, RuntimeCatalog catalog)
    {
        RoutingFields.ReadTaskType(scripts, RoutingKeys.Task, "alwayson_scripts.task", draft);
        RoutingFields.ReadId(scripts, RoutingKeys.IdTask, "alwayson_scripts.id_task", draft);
        var model = JsonFields.String(scripts, RoutingKeys.Model, "alwayson_scripts.sd_model_checkpoint", draft, required: true);
        if (model is not null)
        {
            // First in line: every other place naming a checkpoint must agree with it.
            draft.ModelRequests.Add(("alwayson_scripts.sd_model_checkpoint", model));
            draft.Runtime = catalog.FindByModel(model);
            if (draft.Runtime is null)
            {
                draft.Error(
                    "alwayson_scripts.sd_model_checkpoint",
                    $"'{model}' is not served by any runtime (known: {RoutingFields.Known(catalog.Models())})");
            }
        }

        RoutingFields.ReadPrefix(scripts, RoutingKeys.SaveDir, "alwayson_scripts.save_dir", draft);
        RoutingFields.ReadCallbackUrl(scripts, RoutingKeys.CallbackUrl, "alwayson_scripts.callback_url", draft);
        draft.Context = JsonFields.Get(scripts, RoutingKeys.Context);
    }

    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");
}
