using System.Net.Sockets;

namespace SdServerless.UnitTests.Reliability;

/// <summary>
/// A failure's message reaches result.json and the webhook: it says what went wrong with SD Web UI, never the pool's
/// internal address (the dispatcher's log names the server each task was sent to).
/// </summary>
public sealed class ServerAddressTests
{
    private const string Server = "http://10.0.3.17:7861";

    public static TheoryData<string, Func<HttpResponseMessage>> Failures => new()
    {
        { "refused", () => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (10.0.3.17:7861)", new SocketException((int)SocketError.ConnectionRefused)) },
        { "500", () => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("""{"error":"RuntimeError","detail":"boom"}""") } },
        { "503", () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) },
        { "unreadable", () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"images\": [") } },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task NoFailureMessageNamesTheServersAddress(string name, Func<HttpResponseMessage> answer)
    {
        using var client = new SdWebUiClient(new Answering(answer));

        var failure = await Assert.ThrowsAsync<DispatchFailure>(() =>
            client.GenerateAsync(Server, TaskType.TextToImage, "{}"u8.ToArray(), (_, _, _) => Task.CompletedTask, default));

        var message = failure.Error.Message;
        Assert.True(message.Contains("SD Web UI", StringComparison.Ordinal) && !message.Contains("10.0.3.17", StringComparison.Ordinal), $"{name}: {message}");
    }

    private sealed class Answering(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer());
    }
}
