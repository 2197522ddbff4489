using System.Text.Json.Nodes;

namespace SdServerless.Core.Tasks;

/// <summary>
/// One task in canonical form, whichever API version it came in through. It is what travels on the queue
/// (or, when too large, what the queue message points at) and what the dispatcher turns into an SD Web UI call.
/// </summary>
public sealed class SdTask
{
    /// <summary>"v1alpha1" or "v1alpha2": decides the accepted-response shape.</summary>
    public required string ApiVersion { get; init; }

    /// <summary>The client's task id (validated by <see cref="KeyRules.CheckId"/>): it names the task's folder and its result.</summary>
    public required string Id { get; init; }

    /// <summary>The runtime whose servers run the task (in v1alpha1, the first one serving its checkpoint).</summary>
    public required string Runtime { get; init; }

    /// <summary>Which SD Web UI route the content is posted to.</summary>
    public required TaskType TaskType { get; init; }

    /// <summary>The S3 key prefix that outputs go under (validated, never empty, no leading or trailing '/').</summary>
    public required string Prefix { get; init; }

    /// <summary>Echoed exactly as sent in result.json and the callback; any JSON value.</summary>
    public JsonNode? Context { get; init; }

    /// <summary>Where the signed webhook goes when the task ends; null: the deployment's default, if any.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>The requested checkpoint (v1alpha1 sd_model_checkpoint, or override_settings.sd_model_checkpoint).</summary>
    public string? Model { get; init; }

    /// <summary>alwayson_scripts.image_link: the input to download into init_images or image.</summary>
    public string? ImageLink { get; init; }

    /// <summary>
    /// The SD Web UI request body as the client sent it, with the routing keys removed from alwayson_scripts
    /// (and an empty alwayson_scripts removed); inputs not yet resolved.
    /// </summary>
    public required JsonObject Content { get; init; }
}
