using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SdServerless.Local.Callbacks;

/// <summary>
/// The local host's presigned links: with an API key set, <c>/objects/KEY?expires=UNIX&amp;signature=HEX</c>, an
/// HMAC-SHA256 of the key and expiry under a key derived from the API key, so that a webhook receiver can fetch what
/// the callback names without holding the API key itself, and nobody can read other objects (prompts in result.json).
/// </summary>
public sealed class ObjectLinkSignature(string apiKey)
{
    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes("sdserverless-object-links\n" + apiKey));

    /// <summary>The query string (without <c>?</c>) that lets the link to <paramref name="key"/> be read until <paramref name="expires"/>.</summary>
    public string Query(string key, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"expires={seconds}&signature={Sign(key, seconds)}";
    }

    /// <summary>
    /// Whether a link's query was signed here for this very key and has not expired; the comparison takes constant time.
    /// </summary>
    public bool IsValid(string key, string? expires, string? signature, DateTimeOffset now) =>
        long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds >= now.ToUnixTimeSeconds()
        && signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, expires!)), Encoding.ASCII.GetBytes(signature));

    private string Sign(string key, string expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(key + "\n" + expires)));
}
