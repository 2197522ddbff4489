using System.Net;
using System.Net.Sockets;

namespace SdServerless.Core.Net;

/// <summary>Special-purpose address ranges (IANA registries): anything in them is not a place to fetch from or post to.</summary>
internal static class PublicAddress
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return IsPublicV4(v4);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        return IsPublicV6(v6);
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> a) => a[0] switch
    {
        0 or 10 or 127 => false,
        100 => (a[1] & 0xC0) != 64,                                   // 100.64.0.0/10 carrier-grade NAT
        169 => a[1] != 254,                                           // link-local, cloud metadata
        172 => (a[1] & 0xF0) != 16,                                   // 172.16.0.0/12
        192 => !(a[1] == 168                                          // 192.168.0.0/16
            || (a[1] == 0 && a[2] is 0 or 2)                          // IETF assignments, TEST-NET-1
            || (a[1] == 88 && a[2] == 99)),                           // 6to4 relay anycast
        198 => !((a[1] & 0xFE) == 18 || (a[1] == 51 && a[2] == 100)), // benchmarking, TEST-NET-2
        203 => !(a[1] == 0 && a[2] == 113),                           // TEST-NET-3
        >= 224 => false,                                              // multicast, reserved, broadcast
        _ => true,
    };

    private static bool IsPublicV6(ReadOnlySpan<byte> a)
    {
        // Forms that carry an IPv4 address are judged by that address.
        if (a[..10].IndexOfAnyExcept((byte)0) < 0 && ((a[10] == 0xFF && a[11] == 0xFF) || (a[10] == 0 && a[11] == 0)))
        {
            // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; :: and ::1 fall in here and are not public).
            return IsPublicV4(a[12..]);
        }

        if (a[..8].IndexOfAnyExcept((byte)0) < 0 && a[8] == 0xFF && a[9] == 0xFF && a[10] == 0 && a[11] == 0)
        {
            return IsPublicV4(a[12..]);                               // ::ffff:0:a.b.c.d (SIIT translated)
        }

        if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B)
        {
            // 64:ff9b::/96 well-known NAT64 embeds a v4 address; 64:ff9b:1::/48 is for local use only.
            return a[4..12].IndexOfAnyExcept((byte)0) < 0 && IsPublicV4(a[12..]);
        }

        if (a[0] == 0x20 && a[1] == 0x02)
        {
            return IsPublicV4(a[2..6]);                               // 2002::/16 6to4
        }

        if ((a[0] & 0xE0) != 0x20)
        {
            // Outside 2000::/3 global unicast: ::/8, 100::/64, fc00::/7, fe80::/10, fec0::/10, ff00::/8...
            return false;
        }

        return !((a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02)        // 2001::/23 IETF protocol assignments, Teredo
            || (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8) // 2001:db8::/32 documentation
            || (a[0] == 0x3F && a[1] == 0xFF && (a[2] & 0xF0) == 0));  // 3fff::/20 documentation
    }
}
