using System.Text.Json.Nodes;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Callback;

/// <summary>
/// The webhook body (docs/api.md, "Callback"). <c>id</c>, <c>result</c>, <c>image_url</c>, <c>output_url</c> and
/// <c>context</c> keep the names that existing clients of this API read.
/// </summary>
public sealed class CallbackPayload
{
    /// <summary>The task id again, under the name the original implementation's clients read.</summary>
    public required string Id { get; init; }

    /// <summary>The task's id.</summary>
    public required string IdTask { get; init; }

    /// <summary>The runtime that ran the task.</summary>
    public required string Runtime { get; init; }

    /// <summary>The task's type as the request named it: text-to-image, image-to-image or extra-single-image.</summary>
    public required TaskType Tasktype { get; init; }

    /// <summary>True when the task succeeded.</summary>
    public required bool Result { get; init; }

    /// <summary>The final status: succeeded, failed or cancelled.</summary>
    public required TaskStatus Status { get; init; }

    /// <summary>The images' s3:// URIs.</summary>
    public required IReadOnlyList<string> ImageUrl { get; init; }

    /// <summary>The s3:// URI of result.json.</summary>
    public required string OutputUrl { get; init; }

    /// <summary>The s3:// prefix the images were written under.</summary>
    public required string OutputLocation { get; init; }

    /// <summary>Each image with a link the receiver can fetch it by.</summary>
    public required IReadOnlyList<CallbackImage> Images { get; init; }

    /// <summary>Why the task failed or was cancelled; null when it succeeded.</summary>
    public TaskError? Error { get; init; }

    /// <summary>metadata.context exactly as the client sent it (any JSON).</summary>
    public JsonNode? Context { get; init; }
}
