using SdServerless.Core.Tasks;

namespace SdServerless.Core.Queueing;

/// <summary>
/// The body of a task queue message: the task itself, or, when it is too large for one message
/// (inline base64 images), the key of the request.json that holds it. A task put back for lack of capacity travels in
/// a new message that carries what the queue's receive count no longer can: the attempts it already spent and since
/// when it waits.
/// </summary>
public sealed class TaskMessage
{
    public required string IdTask { get; init; }

    public SdTask? Task { get; init; }

    public string? TaskKey { get; init; }

    /// <summary>Attempts spent in earlier messages of this task (calls that reached SD Web UI); 0 in the first one.</summary>
    public int Attempts { get; init; }

    /// <summary>When the task first found no capacity; its queueing deadline counts from here. Null until then.</summary>
    public DateTimeOffset? WaitingSince { get; init; }

    /// <summary>SQS allows 256 KiB per message; stay below it with room for attributes.</summary>
    public const int MaxInlineBytes = 200 * 1024;
}
