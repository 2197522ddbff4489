namespace SdServerless.IntegrationTests.Dispatch;

/// <summary>
/// The real downloader with its connect-time guard: none of these addresses is ever dialled (the refusal happens
/// before the socket connects), so the tests need no server; they still go through the machine's resolver (localhost)
/// and its socket layer, which is why they run with the integration tests.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InputAddressRefusalTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9/cat.png")]
    [InlineData("http://10.0.0.1/cat.png")]
    [InlineData("http://172.16.0.1/cat.png")]
    [InlineData("http://192.168.1.1/cat.png")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9/cat.png")]
    [InlineData("http://[fc00::1]/cat.png")]
    [InlineData("http://[::ffff:10.0.0.1]/cat.png")]
    [InlineData("http://localhost:9/cat.png")]
    public async Task NonPublicAddressesAreRefused(string url)
    {
        using var downloader = new HttpInputDownloader(new SdServerlessOptions { AllowHttp = true }, new DispatcherOptions());

        var failure = await Assert.ThrowsAsync<DispatchFailure>(() => downloader.DownloadAsync(url, "image_link", CancellationToken.None));

        Assert.Equal("input_address_refused", failure.Error.Type);
        Assert.False(failure.IsTransient);
    }
}
