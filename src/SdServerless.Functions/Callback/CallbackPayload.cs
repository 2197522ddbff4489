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
    public required string Id { get; init; }

    public required string IdTask { get; init; }

    public required string Runtime { get; init; }

    public required TaskType Tasktype { get; init; }

    /// <summary>True when the task succeeded.</summary>
    public required bool Result { get; init; }

    public required TaskStatus Status { get; init; }

    /// <summary>The images' s3:// URIs.</summary>
    public required IReadOnlyList<string> ImageUrl { get; init; }

    /// <summary>The s3:// URI of result.json.</summary>
    public required string OutputUrl { get; init; }

    public required string OutputLocation { get; init; }

    public required IReadOnlyList<CallbackImage> Images { get; init; }

    public TaskError? Error { get; init; }

    /// <summary>metadata.context exactly as the client sent it (any JSON).</summary>
    public JsonNode? Context { get; init; }
}
