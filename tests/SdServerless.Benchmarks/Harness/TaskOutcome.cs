namespace SdServerless.Benchmarks.Harness;

/// <summary>What result.json says of one finished task.</summary>
public sealed record TaskOutcome(
    TaskSpec Spec,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset CompletedAt,
    int Attempts,
    int Images)
{
    /// <summary>Reads a task's result.json.</summary>
    public static TaskOutcome FromResult(TaskSpec task, JsonElement root) => new(
        task,
        root.GetProperty("status").GetString() ?? "",
        root.GetProperty("created_at").GetDateTimeOffset(),
        root.TryGetProperty("started_at", out var started) && started.ValueKind == JsonValueKind.String ? started.GetDateTimeOffset() : null,
        root.GetProperty("completed_at").GetDateTimeOffset(),
        root.GetProperty("attempts").GetInt32(),
        root.GetProperty("images").GetArrayLength());
}
