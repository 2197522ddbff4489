namespace SdServerless.Core.Tasks;

/// <summary>
/// Keys in alwayson_scripts that route a task rather than configure an SD Web UI script: SD Web UI would reject
/// them as unknown scripts, so they never reach it.
/// </summary>
public static class RoutingKeys
{
    /// <summary>v1alpha1: the task type (text-to-image, image-to-image, extra-single-image).</summary>
    public const string Task = "task";
    /// <summary>v1alpha1: the task id.</summary>
    public const string IdTask = "id_task";
    /// <summary>The checkpoint, which in v1alpha1 also selects the runtime that serves it.</summary>
    public const string Model = "sd_model_checkpoint";
    /// <summary>A URL of the input image the dispatcher downloads and sends as init_images (or image).</summary>
    public const string ImageLink = "image_link";
    /// <summary>v1alpha1: the prefix the outputs are stored under.</summary>
    public const string SaveDir = "save_dir";
    /// <summary>Accepted from existing v1alpha1 clients and kept from SD Web UI; not used.</summary>
    public const string Uid = "uid";
    /// <summary>v1alpha1: where the signed webhook goes.</summary>
    public const string CallbackUrl = "callback_url";

    /// <summary>v1alpha1 only: v1alpha1 has no metadata, so a context travels in alwayson_scripts.</summary>
    public const string Context = "context";

    /// <summary>Whether an alwayson_scripts key is a routing key in <paramref name="apiVersion"/>, to be kept from SD Web UI.</summary>
    /// <param name="key">An alwayson_scripts key.</param>
    /// <param name="apiVersion">The request's format: "context" routes only in v1alpha1.</param>
    public static bool IsRoutingKey(string key, string apiVersion) =>
        key is Task or IdTask or Model or ImageLink or SaveDir or Uid or CallbackUrl
        || (key == Context && apiVersion == ApiVersion.V1Alpha1);
}
