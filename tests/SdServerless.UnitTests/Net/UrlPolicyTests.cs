using System.Net.Sockets;
using SdServerless.Core.Net;

namespace SdServerless.UnitTests.Net;

public class UrlPolicyTests
{
    private readonly List<string> _lookedUp = [];

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("192.0.0.8")]
    [InlineData("192.0.2.1")]
    [InlineData("198.18.0.1")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    [InlineData("224.0.0.1")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::10.0.0.1")]
    [InlineData("2002:0a00:0001::1")]
    [InlineData("64:ff9b::10.0.0.1")]
    [InlineData("64:ff9b:1::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:0:4136:e378::1")]
    [InlineData("100::1")]
    public void NonPublicAddressesAreNotPublic(string address)
    {
        Assert.False(UrlPolicy.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("169.255.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::8.8.8.8")]
    [InlineData("2002:0808:0808::1")]
    public void PublicAddressesArePublic(string address)
    {
        Assert.True(UrlPolicy.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("https://127.0.0.1/a")]
    [InlineData("https://10.0.0.1/a")]
    [InlineData("https://172.16.0.1/a")]
    [InlineData("https://192.168.1.1/a")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::1]/a")]
    [InlineData("https://[fc00::1]/a")]
    [InlineData("https://[::ffff:10.0.0.1]/a")]
    [InlineData("https://[fe80::1%25eth0]/a")]
    [InlineData("https://2130706433/a")]
    [InlineData("https://0x7f000001/a")]
    [InlineData("https://127.1/a")]
    [InlineData("https://localhost/a")]
    [InlineData("https://LOCALHOST./a")]
    [InlineData("https://api.localhost:8443/a")]
    public async Task UrlsNamingANonPublicAddressAreRefusedWithoutAskingDns(string url)
    {
        var problem = await Policy().CheckAsync(url, CancellationToken.None);

        Assert.Contains("non-public", problem, StringComparison.Ordinal);
        Assert.Empty(_lookedUp);
    }

    [Fact]
    public async Task AHostNameResolvingToAPrivateAddressIsRefused()
    {
        var problem = await Policy().CheckAsync("https://intranet.example.com/cat.png", CancellationToken.None);

        Assert.Equal("must not point to a loopback, private, link-local or otherwise non-public address (10.1.2.3)", problem);
        Assert.Equal(["intranet.example.com"], _lookedUp);
    }

    [Fact]
    public async Task AHostNameWithOnePrivateAddressAmongPublicOnesIsRefused()
    {
        Assert.NotNull(await Policy().CheckAsync("https://mixed.example.com/", CancellationToken.None));
    }

    [Fact]
    public async Task AHostNameResolvingToPublicAddressesIsAccepted()
    {
        Assert.Null(await Policy().CheckAsync("https://images.example.com:8443/cat.png?x=1", CancellationToken.None));
    }

    [Fact]
    public async Task AHostNameThatDoesNotResolveIsLeftToTheConnectTimeCheck()
    {
        Assert.Null(await Policy().CheckAsync("https://huggingface.co/cat.png", CancellationToken.None));
        Assert.Equal(["huggingface.co"], _lookedUp);
    }

    [Fact]
    public async Task CancellingTheCheckCancels()
    {
        var policy = new UrlPolicy(false, false, (_, ct) => Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => Array.Empty<IPAddress>(), ct));
        using var cts = new CancellationTokenSource();
        var check = policy.CheckAsync("https://slow.example.com/", cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check);
    }

    [Theory]
    [InlineData("https://user:secret@images.example.com/a", "must not contain credentials")]
    [InlineData("https://user@images.example.com/a", "must not contain credentials")]
    [InlineData("http://images.example.com/a", "must be an https URL")]
    [InlineData("ftp://images.example.com/a", "must be an https URL")]
    [InlineData("file:///etc/passwd", "must be an https URL")]
    [InlineData("/etc/passwd", "must be an absolute URL")]
    [InlineData("images.example.com/a", "must be an absolute URL")]
    [InlineData("", "must be an absolute URL")]
    [InlineData("https:images.example.com", "must be an absolute URL")]
    [InlineData("https://images.example.com/a b", "must not contain spaces")]
    [InlineData("https://images.example.com/a\r\nX-Evil: 1", "control characters")]
    [InlineData("https://images.example.com/\u0000", "control characters")]
    [InlineData("https://evil.example\\@images.example.com/", "backslashes")]
    public void SyntaxProblemsAreNamed(string url, string expected)
    {
        Assert.Contains(expected, Policy().CheckSyntax(url), StringComparison.Ordinal);
    }

    [Fact]
    public void HttpIsAcceptedOnlyWhereConfigured()
    {
        var http = new UrlPolicy(allowHttp: true, allowPrivateNetwork: false);

        Assert.Null(http.CheckSyntax("http://images.example.com/a"));
        Assert.Null(http.CheckSyntax("https://images.example.com/a"));
        Assert.Equal("must be an http or https URL", http.CheckSyntax("ftp://images.example.com/a"));
        Assert.Equal("must be an https URL", Policy().CheckSyntax("http://images.example.com/a"));
    }

    [Fact]
    public async Task AllowingThePrivateNetworkLiftsTheAddressCheckButNotTheSyntax()
    {
        var policy = new UrlPolicy(allowHttp: true, allowPrivateNetwork: true, Resolve);

        Assert.Null(await policy.CheckAsync("http://127.0.0.1:8080/cat.png", CancellationToken.None));
        Assert.Null(await policy.CheckAsync("https://intranet.example.com/", CancellationToken.None));
        Assert.Equal("must not contain credentials", await policy.CheckAsync("http://u:p@127.0.0.1/", CancellationToken.None));
        Assert.Null(policy.CheckAddress(IPAddress.Loopback));
    }

    [Fact]
    public void TheAddressActuallyConnectedToCanBeCheckedAlone()
    {
        Assert.NotNull(Policy().CheckAddress(IPAddress.Parse("10.0.0.1")));
        Assert.Null(Policy().CheckAddress(IPAddress.Parse("8.8.8.8")));
    }

    private UrlPolicy Policy() => new(allowHttp: false, allowPrivateNetwork: false, Resolve);

    private Task<IPAddress[]> Resolve(string host, CancellationToken ct)
    {
        _lookedUp.Add(host);
        return host switch
        {
            "images.example.com" => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("2606:2800:220:1::1") }),
            "intranet.example.com" => Task.FromResult(new[] { IPAddress.Parse("10.1.2.3") }),
            "mixed.example.com" => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("127.0.0.1") }),
            _ => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)),
        };
    }
}
