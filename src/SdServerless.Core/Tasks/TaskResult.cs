using System.Text.Json.Nodes;

namespace SdServerless.Core.Tasks;

/// <summary>result.json (docs/api.md): written last, after every output image; its creation triggers the callback.</summary>
public sealed class TaskResult
{
    /// <summary>The task id (JSON id_task).</summary>
    public required string IdTask { get; init; }

    /// <summary>The runtime the task ran on.</summary>
    public required string Runtime { get; init; }

    /// <summary>The task's type; spelled as the JSON key "tasktype" is.</summary>
    public required TaskType Tasktype { get; init; }

    /// <summary>How the task ended: succeeded, failed or cancelled (never queued or running: result.json is written last).</summary>
    public required TaskStatus Status { get; init; }

    /// <summary>The stored outputs, in the order SD Web UI returned them (a cancelled task keeps those made before it stopped).</summary>
    public required IReadOnlyList<TaskResultImage> Images { get; init; }

    /// <summary>SD Web UI's "parameters" echo (null when the task failed before generation).</summary>
    public JsonNode? Parameters { get; init; }

    /// <summary>SD Web UI's "info", parsed from its JSON string (seed, all_seeds, infotexts...).</summary>
    public JsonNode? Info { get; init; }

    /// <summary>Why the task failed; null unless it did.</summary>
    public TaskError? Error { get; init; }

    /// <summary>The request's context, echoed exactly as sent; null when there was none.</summary>
    public JsonNode? Context { get; init; }

    /// <summary>The request's callback_url, kept so that the callback function knows where the webhook goes.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>When the API accepted the task.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the first attempt started on a server; null when the task never ran.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the outcome was decided, just before this file was written.</summary>
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>Calls that reached SD Web UI, retries included (0: the task failed or was cancelled before any).</summary>
    public required int Attempts { get; init; }
}
