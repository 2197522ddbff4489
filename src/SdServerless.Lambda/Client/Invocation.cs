using SdServerless.Lambda.Context;

namespace SdServerless.Lambda.Client;

/// <summary>One event handed out by runtime/invocation/next: its context and the raw event JSON.</summary>
public sealed record Invocation(LambdaContext Context, ReadOnlyMemory<byte> EventJson);
