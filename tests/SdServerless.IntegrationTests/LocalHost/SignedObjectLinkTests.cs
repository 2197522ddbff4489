using Microsoft.AspNetCore.Builder;

namespace SdServerless.IntegrationTests.LocalHost;

/// <summary>With an API key, /objects/ serves only requests that carry the key or a link the host signed.</summary>
[Trait("Category", "Integration")]
public sealed class SignedObjectLinkTests : IAsyncLifetime
{
    private const string ApiKey = "k-123";
    private readonly InMemoryObjectStore _store = new();
    private readonly HttpClient _client = new();
    private WebApplication? _app;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        await _store.PutAsync("output/t1/result.json", new MemoryStream(Encoding.UTF8.GetBytes("{\"prompt\":\"private\"}")), "application/json", default);
        _app = await LocalCallbackTests.StartAsync(app => app.MapObjectDownloads(_store, ApiKey));
        _base = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnUnsignedRequestWithoutTheKeyIsRefused()
    {
        using var response = await _client.GetAsync(new LocalObjectUrlSigner(_base).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ASignedLinkOrTheKeyServesTheObject()
    {
        var signed = new LocalObjectUrlSigner(_base, new ObjectLinkSignature(ApiKey)).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(1));
        using var withKey = new HttpRequestMessage(HttpMethod.Get, new LocalObjectUrlSigner(_base).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(1)));
        withKey.Headers.Add("x-api-key", ApiKey);

        using var bySignature = await _client.GetAsync(signed);
        using var byKey = await _client.SendAsync(withKey);

        Assert.Equal(HttpStatusCode.OK, bySignature.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
    }

    [Fact]
    public async Task AnExpiredOrForeignOrReusedSignatureIsRefused()
    {
        var expired = new LocalObjectUrlSigner(_base, new ObjectLinkSignature(ApiKey)).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(-1));
        var foreign = new LocalObjectUrlSigner(_base, new ObjectLinkSignature("other")).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(1));
        var otherKey = new LocalObjectUrlSigner(_base, new ObjectLinkSignature(ApiKey)).GetReadUrl("output/t1/t1-1.png", TimeSpan.FromHours(1));
        var reused = new Uri(new LocalObjectUrlSigner(_base).GetReadUrl("output/t1/result.json", TimeSpan.Zero) + otherKey.Query);

        foreach (var url in new[] { expired, foreign, reused })
        {
            using var response = await _client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }
}
