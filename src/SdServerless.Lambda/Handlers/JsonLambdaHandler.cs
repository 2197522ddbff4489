using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SdServerless.Lambda.Bootstrap;
using SdServerless.Lambda.Context;

namespace SdServerless.Lambda.Handlers;

/// <summary>Deserializes the event, calls a typed handler and serializes its answer, all through source-generated JSON.</summary>
public sealed class JsonLambdaHandler<TEvent, TResponse>(
    JsonTypeInfo<TEvent> eventType,
    JsonTypeInfo<TResponse> responseType,
    Func<TEvent, LambdaContext, CancellationToken, Task<TResponse>> handle) : ILambdaHandler
{
    /// <summary>For a handler that needs no more of the invocation than its cancellation token.</summary>
    /// <param name="eventType">The event's source-generated metadata.</param>
    /// <param name="responseType">The response's source-generated metadata.</param>
    /// <param name="handle">The typed handler.</param>
    public JsonLambdaHandler(JsonTypeInfo<TEvent> eventType, JsonTypeInfo<TResponse> responseType, Func<TEvent, CancellationToken, Task<TResponse>> handle)
        : this(eventType, responseType, (lambdaEvent, _, cancellationToken) => handle(lambdaEvent, cancellationToken))
    {
    }

    /// <inheritdoc/>
    /// <exception cref="JsonException">The event is not JSON of <typeparamref name="TEvent"/>: the invocation fails.</exception>
    public async Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> eventJson, LambdaContext context, CancellationToken cancellationToken)
    {
        var lambdaEvent = JsonSerializer.Deserialize(eventJson.Span, eventType)
            ?? throw new JsonException($"The event is JSON null, not a {typeof(TEvent).Name}.");
        var response = await handle(lambdaEvent, context, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(response, responseType);
    }
}
