namespace SdServerless.Core.Tasks;

/// <summary>
/// Keys in alwayson_scripts that route a task rather than configure an SD Web UI script: SD Web UI would reject
/// them as unknown scripts, so they never reach it.
/// </summary>
public static class RoutingKeys
{
    public const string Task = "task";
    public const string IdTask = "id_task";
    public const string Model = "sd_model_checkpoint";
    public const string ImageLink = "image_link";
    public const string SaveDir = "save_dir";
    public const string Uid = "uid";
    public const string CallbackUrl = "callback_url";

    /// <summary>v1alpha1 only: v1alpha1 has no metadata, so a context travels in alwayson_scripts.</summary>
    public const string Context = "context";

    public static IReadOnlyList<string> All { get; } = [Task, IdTask, Model, ImageLink, SaveDir, Uid, CallbackUrl];

    public static bool IsRoutingKey(string key, string apiVersion) =>
        key is Task or IdTask or Model or ImageLink or SaveDir or Uid or CallbackUrl
        || (key == Context && apiVersion == ApiVersion.V1Alpha1);
}
