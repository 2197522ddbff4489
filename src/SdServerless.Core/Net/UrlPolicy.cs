using System.Net;
using System.Net.Sockets;

namespace SdServerless.Core.Net;

/// <summary>
/// The rules for URLs that make this service connect somewhere on a client's behalf (input images, callbacks):
/// https only, no credentials, nothing that could smuggle headers, and no loopback, private or otherwise non-public
/// address. The API checks at submit time; the dispatcher and callback check again the address they actually
/// connect to, because DNS may answer differently later.
/// </summary>
public sealed class UrlPolicy(
    bool allowHttp,
    bool allowPrivateNetwork,
    Func<string, CancellationToken, Task<IPAddress[]>>? resolver = null)
{
    /// <summary>A resolver that hangs must not hold a submission; past this the name counts as unresolvable.</summary>
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve =
        resolver ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));

    /// <summary>Whether http:// is accepted as well as https:// (development only).</summary>
    public bool AllowHttp => allowHttp;

    /// <summary>Whether loopback and private addresses are allowed, in which case no address is checked (development and tests).</summary>
    public bool AllowPrivateNetwork => allowPrivateNetwork;

    /// <returns>null when the URL's form is acceptable, else why not.</returns>
    public string? CheckSyntax(string url) => CheckSyntax(url, out _);

    /// <returns>null when the URL is acceptable, else why not.</returns>
    public async Task<string?> CheckAsync(string url, CancellationToken ct)
    {
        if (CheckSyntax(url, out var uri) is { } problem)
        {
            return problem;
        }

        if (allowPrivateNetwork)
        {
            return null;
        }

        if (uri!.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            var address = IPAddress.Parse(uri.Host.Trim('[', ']'));
            return CheckAddress(address);
        }

        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return CheckAddress(IPAddress.Loopback);
        }

        IPAddress[] addresses;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            addresses = await _resolve(host, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or ArgumentException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // Unresolvable here is not proof of harm; whoever connects checks the address it gets.
            return null;
        }

        foreach (var address in addresses)
        {
            if (CheckAddress(address) is { } addressProblem)
            {
                return addressProblem;
            }
        }

        return null;
    }

    /// <summary>False for every address that is not globally reachable unicast (loopback, private, link-local...).</summary>
    public static bool IsPublic(IPAddress address) => PublicAddress.IsPublic(address);

    /// <returns>null when connecting to <paramref name="address"/> is allowed, else why not.</returns>
    public string? CheckAddress(IPAddress address) =>
        allowPrivateNetwork || IsPublic(address)
            ? null
            : $"must not point to a loopback, private, link-local or otherwise non-public address ({address})";

    private string? CheckSyntax(string url, out Uri? uri)
    {
        uri = null;
        foreach (var c in url)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\')
            {
                return "must not contain spaces, control characters or backslashes";
            }
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out uri) || !url.Contains("://", StringComparison.Ordinal))
        {
            return "must be an absolute URL";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp))
        {
            return allowHttp ? "must be an http or https URL" : "must be an https URL";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "must not contain credentials";
        }

        return uri.Host.Length == 0 ? "must name a host" : null;
    }
}
