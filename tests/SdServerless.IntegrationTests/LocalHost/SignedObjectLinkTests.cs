namespace SdServerless.IntegrationTests.LocalHost;

/// <summary>With an API key, /objects/ serves only requests that carry the key or a link the host signed.</summary>
[Trait("Category", "Integration")]
public sealed class SignedObjectLinkTests : IAsyncLifetime
{
    private const string ApiKey = "k-123";
    private ObjectDownloadHost? _host;

    private ObjectDownloadHost Host => _host!;

    public async Task InitializeAsync()
    {
        _host = await ObjectDownloadHost.StartAsync(ApiKey);
        await Host.PutAsync("output/t1/result.json", "{\"prompt\":\"private\"}", "application/json");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnUnsignedRequestWithoutTheKeyIsRefused()
    {
        using var response = await Host.Client.GetAsync(new LocalObjectUrlSigner(Host.BaseUrl).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ASignedLinkOrTheKeyServesTheObject()
    {
        var signed = new LocalObjectUrlSigner(Host.BaseUrl, new ObjectLinkSignature(ApiKey)).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(1));
        using var withKey = new HttpRequestMessage(HttpMethod.Get, new LocalObjectUrlSigner(Host.BaseUrl).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(1)));
        withKey.Headers.Add("x-api-key", ApiKey);

        using var bySignature = await Host.Client.GetAsync(signed);
        using var byKey = await Host.Client.SendAsync(withKey);

        Assert.Equal(HttpStatusCode.OK, bySignature.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
    }

    [Fact]
    public async Task AnExpiredOrForeignOrReusedSignatureIsRefused()
    {
        var expired = new LocalObjectUrlSigner(Host.BaseUrl, new ObjectLinkSignature(ApiKey)).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(-1));
        var foreign = new LocalObjectUrlSigner(Host.BaseUrl, new ObjectLinkSignature("other")).GetReadUrl("output/t1/result.json", TimeSpan.FromHours(1));
        var otherKey = new LocalObjectUrlSigner(Host.BaseUrl, new ObjectLinkSignature(ApiKey)).GetReadUrl("output/t1/t1-1.png", TimeSpan.FromHours(1));
        var reused = new Uri(new LocalObjectUrlSigner(Host.BaseUrl).GetReadUrl("output/t1/result.json", TimeSpan.Zero) + otherKey.Query);

        foreach (var url in new[] { expired, foreign, reused })
        {
            using var response = await Host.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }
}
