namespace SdServerless.Functions.Api;

/// <summary>What the API needs of a request, whichever API Gateway payload format it came in.</summary>
internal sealed record ApiRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body,
    string? RequestId,
    IReadOnlyDictionary<string, string>? Query = null)
{
    public string? QueryValue(string name) => Query is not null && Query.TryGetValue(name, out var value) ? value : null;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
