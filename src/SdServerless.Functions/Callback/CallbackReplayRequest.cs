namespace SdServerless.Functions.Callback;

/// <summary>The replay function's event: <c>{}</c>, or <c>{"max_messages": N}</c>. Other fields (a schedule's event) are ignored.</summary>
public sealed class CallbackReplayRequest
{
    /// <summary>Dead letters one run reads when the event does not say: a long backlog is replayed over several runs.</summary>
    public const int DefaultMaxMessages = 100;

    /// <summary>How many dead letters to read at most; null: <see cref="DefaultMaxMessages"/>.</summary>
    public int? MaxMessages { get; init; }
}
