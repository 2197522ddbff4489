using System.Text.Json.Nodes;

namespace SdServerless.Core.Tasks;

/// <summary>result.json (docs/api.md): written last, after every output image; its creation triggers the callback.</summary>
public sealed class TaskResult
{
    public required string IdTask { get; init; }

    public required string Runtime { get; init; }

    public required TaskType Tasktype { get; init; }

    public required TaskStatus Status { get; init; }

    public required IReadOnlyList<TaskResultImage> Images { get; init; }

    /// <summary>SD Web UI's "parameters" echo (null when the task failed before generation).</summary>
    public JsonNode? Parameters { get; init; }

    /// <summary>SD Web UI's "info", parsed from its JSON string (seed, all_seeds, infotexts...).</summary>
    public JsonNode? Info { get; init; }

    public TaskError? Error { get; init; }

    public JsonNode? Context { get; init; }

    public string? CallbackUrl { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }

    public required int Attempts { get; init; }
}
