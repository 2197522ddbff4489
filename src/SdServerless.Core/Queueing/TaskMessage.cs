using SdServerless.Core.Tasks;

namespace SdServerless.Core.Queueing;

/// <summary>
/// The body of a task queue message: the task itself, or, when it is too large for one message
/// (inline base64 images), the key of the request.json that holds it. A task put back for lack of capacity travels in
/// a new message that carries what the queue's receive count no longer can: the attempts it already spent and since
/// when it waits.
/// </summary>
public sealed record TaskMessage
{
    /// <summary>The task's id, present in every form of the message so that logs and failures name the task.</summary>
    public required string IdTask { get; init; }

    /// <summary>The task itself when it fits in <see cref="MaxInlineBytes"/>; null when <see cref="TaskKey"/> names it instead.</summary>
    public SdTask? Task { get; init; }

    /// <summary>The object key of the request.json that holds a task too large to travel inline; null when <see cref="Task"/> is set.</summary>
    public string? TaskKey { get; init; }

    /// <summary>Attempts spent in earlier messages of this task (calls that reached SD Web UI); 0 in the first one.</summary>
    public int Attempts { get; init; }

    /// <summary>When the task first found no capacity; its queueing deadline counts from here. Null until then.</summary>
    public DateTimeOffset? WaitingSince { get; init; }

    /// <summary>
    /// The claim of the request.json this message was sent for; a message whose claim is no longer the record's
    /// (another request took the id over) is dropped. Null in messages from before claims existed.
    /// </summary>
    public string? Claim { get; init; }

    /// <summary>
    /// The server the task's last attempt ran out of memory on: its retry goes to another one. Null: any server.
    /// </summary>
    public string? AvoidServer { get; init; }

    /// <summary>SQS allows 256 KiB per message; stay below it with room for attributes.</summary>
    public const int MaxInlineBytes = 200 * 1024;
}
