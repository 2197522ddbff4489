using System.Globalization;
using System.Text.Json;
using SdServerless.Core.Json;
using SdServerless.Core.Queueing;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Dispatch;

/// <summary>Turns a queue record into its task: inline in the message, or behind the message's task_key (request.json).</summary>
public sealed class TaskMessageReader(IObjectStore store, TimeProvider clock)
{
    /// <summary>The SQS attribute counting a message's deliveries: the task's attempt number.</summary>
    public const string ReceiveCountAttribute = "ApproximateReceiveCount";

    /// <summary>The SQS attribute holding when the message was sent (epoch ms): a task's creation time when its record is gone.</summary>
    public const string SentTimestampAttribute = "SentTimestamp";

    /// <summary>The message as a TaskMessage, or null when it is not one (poison).</summary>
    public static TaskMessage? Parse(string body)
    {
        try
        {
            var message = JsonSerializer.Deserialize(body, CoreJsonContext.Default.TaskMessage);
            return message is { IdTask.Length: > 0 } && (message.Task is not null || message.TaskKey is { Length: > 0 }) ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The task with its creation time, or null when the message points at nothing usable (poison).
    /// Throws <see cref="Core.DependencyUnavailableException"/> when the store cannot be read.
    /// </summary>
    public async Task<LoadedTask?> LoadAsync(TaskMessage message, SqsEvent.SqsMessage record, CancellationToken cancellationToken)
    {
        if (message.Task is { } inline && message.Claim is null)
        {
            return inline.Id == message.IdTask ? new LoadedTask(inline, SentAt(record)) : null;
        }

        // A message with a claim runs only while request.json still carries that claim (see TaskSubmission).
        var stored = await store.GetAsync(message.TaskKey ?? TaskKeys.Request(message.IdTask), cancellationToken);
        if (stored is null)
        {
            return null;
        }

        TaskRecord? taskRecord;
        try
        {
            taskRecord = JsonSerializer.Deserialize(stored.Content.Span, CoreJsonContext.Default.TaskRecord);
        }
        catch (JsonException)
        {
            return null;
        }

        if (taskRecord is null || taskRecord.Task.Id != message.IdTask)
        {
            return null;
        }

        var superseded = message.Claim is { } claim && (taskRecord.Claim != claim || taskRecord.Withdrawn);
        return new LoadedTask(message.Task is { } sent && !superseded ? sent : taskRecord.Task, taskRecord.CreatedAt, superseded);
    }

    /// <summary>SQS's ApproximateReceiveCount: 1 on the first delivery.</summary>
    public static int Attempts(SqsEvent.SqsMessage record) =>
        record.Attributes.TryGetValue(ReceiveCountAttribute, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : 1;

    private DateTimeOffset SentAt(SqsEvent.SqsMessage record) =>
        record.Attributes.TryGetValue(SentTimestampAttribute, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : clock.GetUtcNow();
}
