using SdServerless.Lambda.Context;

namespace SdServerless.Lambda.Bootstrap;

/// <summary>Turns one event's JSON into the function's response JSON. Throwing reports the invocation as failed.</summary>
public interface ILambdaHandler
{
    /// <summary>Handles one event; <paramref name="cancellationToken"/> fires shortly before the invocation's deadline.</summary>
    Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> eventJson, LambdaContext context, CancellationToken cancellationToken);
}
