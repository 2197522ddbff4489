using Microsoft.AspNetCore.Builder;

namespace SdServerless.IntegrationTests.LocalHost;

/// <summary>
/// The local host's /objects/ route alone, over an in-memory store, on a free loopback port: what the download and
/// signed-link tests share, so that each of them holds only its objects and its requests.
/// </summary>
internal sealed class ObjectDownloadHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ObjectDownloadHost(InMemoryObjectStore store, WebApplication app)
    {
        Store = store;
        _app = app;
        BaseUrl = new Uri(app.Urls.First());
    }

    public InMemoryObjectStore Store { get; }

    /// <summary>Where the host listens; the links of a <see cref="LocalObjectUrlSigner"/> start with it.</summary>
    public Uri BaseUrl { get; }

    public HttpClient Client { get; } = new();

    /// <param name="apiKey">Null: no key, the route serves every stored object outside the bookkeeping.</param>
    public static async Task<ObjectDownloadHost> StartAsync(string? apiKey = null)
    {
        var store = new InMemoryObjectStore();
        return new ObjectDownloadHost(store, await LocalCallbackTests.StartAsync(app => app.MapObjectDownloads(store, apiKey)));
    }

    /// <summary>Stores <paramref name="content"/>, in UTF-8, at <paramref name="key"/>.</summary>
    public async Task PutAsync(string key, string content, string contentType)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await Store.PutAsync(key, stream, contentType, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
