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
    public required string IdTask { get; init; }

    public SdTask? Task { get; init; }

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
