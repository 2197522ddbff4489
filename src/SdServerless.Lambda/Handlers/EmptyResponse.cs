namespace SdServerless.Lambda.Handlers;

/// <summary>The answer of a handler that returns nothing (the callback): serialized as {}.</summary>
public sealed class EmptyResponse
{
    /// <summary>The one instance: the response carries no state.</summary>
    public static readonly EmptyResponse Instance = new();
}
