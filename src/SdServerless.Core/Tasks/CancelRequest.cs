namespace SdServerless.Core.Tasks;

/// <summary>cancel.json: a client asked to stop the task. Its presence is the signal; the time is for people.</summary>
public sealed class CancelRequest
{
    /// <summary>The task to stop; the same id as the folder the file is in.</summary>
    public required string IdTask { get; init; }

    /// <summary>When the cancellation was asked for (UTC).</summary>
    public required DateTimeOffset RequestedAt { get; init; }
}
