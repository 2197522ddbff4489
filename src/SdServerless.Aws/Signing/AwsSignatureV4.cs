using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace SdServerless.Aws.Signing;

/// <summary>
/// AWS Signature Version 4 for the few calls made without a service SDK (Secrets Manager): the body is in memory,
/// the path is "/" and there is no query, so the canonical request needs no URI encoding.
/// </summary>
public static class AwsSignatureV4
{
    /// <summary>The signing algorithm's name, as the Authorization header and the string to sign start with it.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Adds X-Amz-Date, X-Amz-Security-Token (temporary credentials) and Authorization to the request.</summary>
    /// <param name="request">The request to sign; its URI gives the host and path.</param>
    /// <param name="body">The exact body that will be sent: its SHA-256 is part of the signature.</param>
    /// <param name="headers">The other headers to sign, besides host and those added here (content-type, x-amz-target...).</param>
    /// <param name="credentials">The access key, secret key and (for temporary credentials) session token.</param>
    /// <param name="region">The region in the signature's scope.</param>
    /// <param name="service">The service name in the signature's scope, e.g. <see cref="SecretsManager.SecretsManagerClient.Service"/>.</param>
    /// <param name="now">The signing time; AWS refuses signatures more than five minutes off its clock.</param>
    public static void Sign(
        HttpRequestMessage request,
        ReadOnlySpan<byte> body,
        IReadOnlyDictionary<string, string> headers,
        ImmutableCredentials credentials,
        string region,
        string service,
        DateTimeOffset now)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var signed = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : uri.Authority,
            ["x-amz-date"] = amzDate,
        };
        if (credentials.UseToken)
        {
            signed["x-amz-security-token"] = credentials.Token;
        }

        foreach (var (name, value) in headers)
        {
            signed[name.ToLowerInvariant()] = value.Trim();
        }

        var canonical = CanonicalRequest(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), signed, Hex(SHA256.HashData(body)));
        var signature = Signature(credentials.SecretKey, region, service, amzDate, canonical);
        var signedHeaders = string.Join(';', signed.Keys);
        foreach (var (name, value) in signed)
        {
            if (name is not "host" and not "content-type")
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"{Algorithm} Credential={credentials.AccessKey}/{Scope(amzDate, region, service)}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>The canonical request of Signature V4: the text whose hash is signed.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The request path, already URI-encoded.</param>
    /// <param name="canonicalQuery">The query string in canonical form (empty when there is none).</param>
    /// <param name="headers">Lower-case names, trimmed values, sorted by name.</param>
    /// <param name="payloadHash">Lowercase hex SHA-256 of the body.</param>
    public static string CanonicalRequest(string method, string path, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var builder = new StringBuilder().Append(method).Append('\n').Append(path).Append('\n').Append(canonicalQuery).Append('\n');
        var names = new List<string>();
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
            names.Add(name);
        }

        return builder.Append('\n').Append(string.Join(';', names)).Append('\n').Append(payloadHash).ToString();
    }

    /// <summary>The hex signature of a canonical request made at <paramref name="amzDate"/> (yyyyMMddTHHmmssZ).</summary>
    public static string Signature(string secretKey, string region, string service, string amzDate, string canonicalRequest)
    {
        var stringToSign = $"{Algorithm}\n{amzDate}\n{Scope(amzDate, region, service)}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), amzDate[..8]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    private static string Scope(string amzDate, string region, string service) => $"{amzDate[..8]}/{region}/{service}/aws4_request";

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
