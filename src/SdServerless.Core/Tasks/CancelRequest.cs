namespace SdServerless.Core.Tasks;

/// <summary>cancel.json: a client asked to stop the task. Its presence is the signal; the time is for people.</summary>
public sealed class CancelRequest
{
    public required string IdTask { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }
}
