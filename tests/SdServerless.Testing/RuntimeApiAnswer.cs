namespace SdServerless.Testing;

/// <summary>What the runtime posted back: a response, an invocation error, or (RequestId null) an init error.</summary>
/// <param name="PostedAt">When the post arrived, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp (cold-start timing).</param>
public sealed record RuntimeApiAnswer(string? RequestId, bool IsError, string? ErrorTypeHeader, string? ContentType, string Body, long PostedAt);
