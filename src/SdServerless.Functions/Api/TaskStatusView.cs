using System.Text.Json;
using SdServerless.Core.Json;
using SdServerless.Core.Tasks;
using TaskStatus = SdServerless.Core.Tasks.TaskStatus;

namespace SdServerless.Functions.Api;

/// <summary>The body of GET /v1alpha2/tasks/{id}: where a task stands.</summary>
/// <param name="WaitingFor">Why a queued task waits (<see cref="WaitingReasons"/>); null otherwise.</param>
public sealed record TaskStatusView(
    TaskRecord Record,
    TaskStatus Status,
    IReadOnlyList<string> Images,
    TaskError? Error,
    int Attempts,
    DateTimeOffset UpdatedAt,
    string? WaitingFor = null)
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

        writer.WriteNumber("attempts", Attempts);
        writer.WriteString("created_at", Record.CreatedAt);
        writer.WriteString("updated_at", UpdatedAt);
        writer.WriteEndObject();
    }
}
