using System.Security.Cryptography;
using System.Text;

namespace SdServerless.Functions.Api;

/// <summary>The x-api-key check, in constant time; the key itself is never logged.</summary>
public static class ApiKeyCheck
{
    public const string HeaderName = "x-api-key";

    /// <returns>True when no key is configured, or when <paramref name="given"/> is the configured key.</returns>
    public static bool IsValid(string? expected, string? given)
    {
        if (expected is not { Length: > 0 })
        {
            return true;
        }

        // Hash both sides so the comparison takes the same time whatever the lengths.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given ?? "")),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
