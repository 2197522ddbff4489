namespace SdServerless.Lambda.Handlers;

/// <summary>The answer of a handler that returns nothing (the callback): serialized as {}.</summary>
public sealed class EmptyResponse
{
    public static readonly EmptyResponse Instance = new();
}
