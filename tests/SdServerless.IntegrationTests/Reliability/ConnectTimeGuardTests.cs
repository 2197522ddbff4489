using SdServerless.Core.Net;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>
/// The second line of the SSRF defence: whatever passed the submit-time check, the HTTP client used for inputs and
/// webhooks dials only public addresses, judged on what the name resolves to when it connects (real DNS here).
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConnectTimeGuardTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task ANameOrAddressResolvingToLoopbackIsRefusedBeforeAnyByteIsSent(string host)
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        using var http = GuardedHttpHandler.CreateClient(UrlPolicy.IsPublic);

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://{host}:{server.BaseUri.Port}/hook"));

        Assert.NotNull(BlockedAddressException.FindIn(failure));
        Assert.Empty(server.Requests);
    }
}
