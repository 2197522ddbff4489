using System.Net.Sockets;

namespace SdServerless.IntegrationTests.LocalHost;

[Trait("Category", "Integration")]
public sealed class ObjectDownloadTests : IAsyncLifetime
{
    private ObjectDownloadHost? _host;

    private ObjectDownloadHost Host => _host!;

    public async Task InitializeAsync()
    {
        _host = await ObjectDownloadHost.StartAsync();
        await Host.PutAsync("output/t1/t1-1.png", "png-bytes", "image/png");
        await Host.PutAsync("out put/tâche 1/a#b.webp", "webp-bytes", "image/webp");
        await Host.PutAsync("_sdserverless/tasks/t1/request.json", "{\"secret\":1}", "application/json");

        // What a directory-backed store would resolve these keys to; stored literally here so that a missing
        // check shows up as a served secret rather than as an accidental 404.
        foreach (var key in new[]
        {
            "output/t1/../../_sdserverless/tasks/t1/request.json",
            "output/../_sdserverless/tasks/t1/request.json",
            "output/../../etc/passwd",
            "output/t1\\..\\..\\x",
            "output//t1/t1-1.png",
        })
        {
            await Host.PutAsync(key, "secret", "text/plain");
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("output/t1/t1-1.png", "png-bytes", "image/png")]
    [InlineData("out put/tâche 1/a#b.webp", "webp-bytes", "image/webp")]
    public async Task TheLinkInTheCallbackServesTheStoredObjectWithItsContentType(string key, string content, string contentType)
    {
        var url = new LocalObjectUrlSigner(Host.BaseUrl).GetReadUrl(key, TimeSpan.FromHours(1));

        using var response = await Host.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(content, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/objects/output/t1/missing.png")]
    [InlineData("/objects/_sdserverless/tasks/t1/request.json")]
    [InlineData("/objects/%5Fsdserverless/tasks/t1/request.json")]
    [InlineData("/objects/output/t1/../../_sdserverless/tasks/t1/request.json")]
    [InlineData("/objects/output/%2E%2E/_sdserverless/tasks/t1/request.json")]
    [InlineData("/objects/output//t1/t1-1.png")]
    [InlineData("/objects/output%2Ft1%2Ft1-1.png%00")]
    [InlineData("/objects/output%2F..%2F_sdserverless%2Ftasks%2Ft1%2Frequest.json")]
    [InlineData("/objects/output%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/objects/output/t1%5C..%5C..%5Cx")]
    public async Task MissingObjectsBookkeepingAndTraversalAreNotServed(string rawTarget)
    {
        var response = await SendRawAsync($"GET {rawTarget} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        // Kestrel itself answers 400 to some of these (an escaped NUL); the handler answers 404 to the rest.
        Assert.Matches("^HTTP/1.1 40[04] ", response);
        Assert.DoesNotContain("secret", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ObjectsCannotBeWrittenThroughTheDownloadRoute()
    {
        using var response = await Host.Client.PutAsync(new Uri(Host.BaseUrl, "/objects/output/t1/t1-1.png"), new StringContent("evil"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("png-bytes", Encoding.UTF8.GetString((await Host.Store.GetAsync("output/t1/t1-1.png", CancellationToken.None))!.Content.Span));
    }

    /// <summary>HttpClient normalises dot segments before sending; a raw socket sends the target as an attacker would.</summary>
    private async Task<string> SendRawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Host.BaseUrl.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
