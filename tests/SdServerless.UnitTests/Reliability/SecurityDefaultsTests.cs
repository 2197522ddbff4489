using SdServerless.Local.Hosting;

namespace SdServerless.UnitTests.Reliability;

/// <summary>Defaults that keep a fresh local host private, and the API key check's answers.</summary>
public sealed class SecurityDefaultsTests
{
    private const string Key = "k3y-Secret-Value";

    [Fact]
    public void TheLocalHostListensOnLoopbackUnlessToldOtherwise()
    {
        var options = LocalHostOptionsParser.Parse([], out var errors);

        Assert.Empty(errors);
        var url = new Uri(options.Urls);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(url.Host)), options.Urls);
    }

    [Theory]
    [InlineData(Key, true)]
    [InlineData("k3y-Secret-Valuf", false)]
    [InlineData("k3y-Secret-Valu", false)]
    [InlineData("k3y-Secret-Value ", false)]
    [InlineData("K3Y-SECRET-VALUE", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TheApiKeyMatchesOnlyExactly(string? given, bool valid) => Assert.Equal(valid, ApiKeyCheck.IsValid(Key, given));

    [Fact]
    public void WithoutAConfiguredKeyEveryRequestPasses()
    {
        Assert.True(ApiKeyCheck.IsValid(null, null));
        Assert.True(ApiKeyCheck.IsValid("", "anything"));
    }
}
