using SdServerless.Core.Tasks;

namespace SdServerless.Core.Queueing;

/// <summary>
/// The body of a task queue message: the task itself, or, when it is too large for one message
/// (inline base64 images), the key of the request.json that holds it.
/// </summary>
public sealed class TaskMessage
{
    public required string IdTask { get; init; }

    public SdTask? Task { get; init; }

    public string? TaskKey { get; init; }

    /// <summary>SQS allows 256 KiB per message; stay below it with room for attributes.</summary>
    public const int MaxInlineBytes = 200 * 1024;
}
