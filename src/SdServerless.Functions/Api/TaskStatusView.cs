using System.Text.Json;
using SdServerless.Core.Json;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>The body of GET /v1alpha2/tasks/{id}, and one item of the listing: where a task stands.</summary>
/// <param name="WaitingFor">Why a queued task waits (<see cref="WaitingReasons"/>); null otherwise.</param>
/// <param name="Progress">A running task's share done (0..1), from its server.</param>
/// <param name="QueuePosition">A queued task's place in its queue, where the host knows it.</param>
public sealed record TaskStatusView(
    TaskRecord Record,
    TaskStatus Status,
    IReadOnlyList<string> Images,
    TaskError? Error,
    int Attempts,
    DateTimeOffset UpdatedAt,
    string? WaitingFor = null,
    double? Progress = null,
    double? EtaSeconds = null,
    long? QueuePosition = null)
{
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id_task", Record.IdTask);
        writer.WriteString("runtime", Record.Task.Runtime);
        writer.WritePropertyName("status");
        JsonSerializer.Serialize(writer, Status, CoreJsonContext.Default.TaskStatus);
        if (WaitingFor is null)
        {
            writer.WriteNull("waiting_for");
        }
        else
        {
            writer.WriteString("waiting_for", WaitingFor);
        }

        writer.WriteString("output_location", Record.OutputLocation);
        writer.WriteStartArray("images");
        foreach (var image in Images)
        {
            writer.WriteStringValue(image);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("error");
        if (Error is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("type", Error.Type);
            writer.WriteString("message", Error.Message);
            writer.WriteEndObject();
        }

        if (Status == TaskStatus.Running)
        {
            // 0 until the dispatcher has read the server's progress once.
            writer.WriteNumber("progress", Math.Clamp(Progress ?? 0, 0, 1));
            writer.WritePropertyName("eta_seconds");
            if (EtaSeconds is { } eta)
            {
                writer.WriteNumberValue(Math.Round(Math.Max(0, eta), 1));
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        if (Status == TaskStatus.Queued && QueuePosition is { } position)
        {
            writer.WriteNumber("queue_position", position);
        }

        writer.WriteNumber("attempts", Attempts);
        writer.WriteString("created_at", Record.CreatedAt);
        writer.WriteString("updated_at", UpdatedAt);
        writer.WriteEndObject();
    }
}
