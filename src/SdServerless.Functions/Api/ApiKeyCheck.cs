using System.Security.Cryptography;
using System.Text;
using SdServerless.Functions.Events;

namespace SdServerless.Functions.Api;

/// <summary>The x-api-key check, in constant time; the key itself is never logged.</summary>
public static class ApiKeyCheck
{
    /// <summary>The header API Gateway's own API keys use, so that clients send the key the same way to both hosts.</summary>
    public const string HeaderName = "x-api-key";

    /// <summary>The answer to a request without the right key (problem+json), wherever the key is checked.</summary>
    public static ApiGatewayProxyResponse Refused() =>
        ApiResults.Problem(401, "unauthorized", "Missing or wrong API key", $"Send the API key in the {HeaderName} header.");

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
