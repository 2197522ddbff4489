using System.Text.Json;
using System.Text.Json.Nodes;
using SdServerless.Core.Json;
using SdServerless.Core.Queueing;
using SdServerless.Core.Tasks;

namespace SdServerless.Testing;

/// <summary>
/// Tasks and their queue messages as the API leaves them for the dispatcher, for tests that put work on a task queue
/// without going through the API: one definition, so that every harness sends what the API would send.
/// </summary>
public static class TestTasks
{
    /// <summary>A v1alpha2 task whose images go under the prefix "output".</summary>
    /// <param name="content">The SD Web UI request body, as JSON.</param>
    public static SdTask Create(
        string id,
        TaskType type,
        string content,
        string? model = null,
        string? imageLink = null,
        JsonNode? context = null,
        string? callbackUrl = null,
        string runtime = "sdruntime") => new()
    {
        ApiVersion = "v1alpha2",
        Id = id,
        Runtime = runtime,
        TaskType = type,
        Prefix = "output",
        Context = context,
        CallbackUrl = callbackUrl,
        Model = model,
        ImageLink = imageLink,
        Content = JsonNode.Parse(content)!.AsObject(),
    };

    /// <summary>The message the API puts on the task queue for <paramref name="task"/>.</summary>
    public static string MessageBody(SdTask task) => MessageBody(new TaskMessage { IdTask = task.Id, Task = task });

    /// <summary><paramref name="message"/> as the task queue carries it.</summary>
    public static string MessageBody(TaskMessage message) => JsonSerializer.Serialize(message, CoreJsonContext.Default.TaskMessage);
}
