namespace SdServerless.IntegrationTests.Lambda;

/// <summary>What the runtime posted back: a response, an invocation error, or (RequestId null) an init error.</summary>
public sealed record RuntimeApiAnswer(string? RequestId, bool IsError, string? ErrorTypeHeader, string? ContentType, string Body);
