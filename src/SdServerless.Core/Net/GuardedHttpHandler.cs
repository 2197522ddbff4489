using System.Net;
using System.Net.Sockets;

namespace SdServerless.Core.Net;

/// <summary>
/// HTTP handlers for URLs that users supply (input images, callbacks). The address check runs when the connection
/// is made, on the addresses actually dialled, so a DNS answer that changes between validation and use (rebinding)
/// cannot reach the metadata service or the private network. Redirect hops open new connections and are checked too.
/// </summary>
public static class GuardedHttpHandler
{
    /// <summary>The address rule of the API's URL validation (docs/api.md): public addresses only, unless private networks are allowed.</summary>
    public static Func<IPAddress, bool> AddressRule(bool allowPrivateNetwork) =>
        allowPrivateNetwork ? static _ => true : UrlPolicy.IsPublic;

    /// <summary>A handler that dials only addresses <paramref name="isAllowed"/> accepts.</summary>
    /// <param name="isAllowed">Usually <see cref="AddressRule"/>.</param>
    /// <param name="maxRedirects">0 turns redirects off (webhook POSTs are not redirected).</param>
    public static SocketsHttpHandler Create(Func<IPAddress, bool> isAllowed, int maxRedirects = 0)
    {
        ArgumentNullException.ThrowIfNull(isAllowed);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = maxRedirects > 0,
            MaxAutomaticRedirections = Math.Max(1, maxRedirects),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            UseCookies = false,
            UseProxy = false,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, isAllowed, cancellationToken),
        };
    }

    /// <summary>A client over <see cref="Create"/>; the client owns the handler.</summary>
    public static HttpClient CreateClient(Func<IPAddress, bool> isAllowed, int maxRedirects = 0) =>
        new(Create(isAllowed, maxRedirects), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, Func<IPAddress, bool> isAllowed, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);

        // A name that resolves to any forbidden address is refused outright rather than dialled selectively:
        // such answers are how rebinding attacks look.
        foreach (var address in addresses)
        {
            if (!isAllowed(address))
            {
                throw new BlockedAddressException(endPoint.Host, address);
            }
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
