namespace SdServerless.UnitTests.Lambda;

/// <summary>A fake Runtime API: records each request (with its body) and answers with the next queued response.</summary>
internal sealed class RecordingHttpHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    public List<RecordedRequest> Requests { get; } = [];

    public void Enqueue(Func<HttpResponseMessage> response) => _responses.Enqueue(response);

    public void EnqueueStatus(HttpStatusCode status) => Enqueue(() => new HttpResponseMessage(status));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, request.Headers, request.Content?.Headers, body));
        return _responses.Count > 0 ? _responses.Dequeue()() : new HttpResponseMessage(HttpStatusCode.Accepted);
    }
}

internal sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    System.Net.Http.Headers.HttpRequestHeaders Headers,
    System.Net.Http.Headers.HttpContentHeaders? ContentHeaders,
    byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
