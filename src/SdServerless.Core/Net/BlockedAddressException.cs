using System.Net;

namespace SdServerless.Core.Net;

/// <summary>
/// A connection was refused because the host resolved to an address the URL rules forbid (loopback, private,
/// link-local...). Permanent: retrying reaches the same address.
/// </summary>
public sealed class BlockedAddressException(string host, IPAddress address)
    : Exception($"Refused to connect to {host}: it resolves to {address}, which is not a public address.")
{
    /// <summary>The host name of the refused URL, as the client wrote it.</summary>
    public string Host { get; } = host;

    /// <summary>The address the host resolved to at connection time, the one the rules forbid.</summary>
    public IPAddress Address { get; } = address;

    /// <summary>Finds the refusal inside the exceptions HttpClient wraps it in.</summary>
    public static BlockedAddressException? FindIn(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is BlockedAddressException blocked)
            {
                return blocked;
            }
        }

        return null;
    }
}
