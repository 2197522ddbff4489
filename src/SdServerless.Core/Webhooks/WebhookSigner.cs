using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SdServerless.Core.Webhooks;

/// <summary>
/// Standard Webhooks signatures: <c>v1,&lt;base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")&gt;</c>.
/// Runs once per delivery attempt, so it hashes from a pooled buffer and allocates only the returned string.
/// </summary>
public sealed class WebhookSigner(WebhookSecret secret)
{
    public const string VersionPrefix = "v1,";

    private const int HashBytes = 32;
    private const int Base64HashChars = 44;
    private const int StackLimit = 1024;

    /// <summary>The value of the webhook-signature header for one message.</summary>
    public string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        ComputeHash(secret.Key, messageId, timestamp, body, hash);
        Span<char> signature = stackalloc char[VersionPrefix.Length + Base64HashChars];
        VersionPrefix.CopyTo(signature);
        Convert.TryToBase64Chars(hash, signature[VersionPrefix.Length..], out var written);
        return new string(signature[..(VersionPrefix.Length + written)]);
    }

    /// <summary>HMAC-SHA256 of "{id}.{timestamp}.{body}" into <paramref name="destination"/> (32 bytes).</summary>
    internal static void ComputeHash(ReadOnlySpan<byte> key, string messageId, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetMaxByteCount(messageId.Length) + 22 + body.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var used = Encoding.UTF8.GetBytes(messageId, buffer);
            buffer[used++] = (byte)'.';
            Utf8Formatter.TryFormat(timestamp, buffer[used..], out var digits);
            used += digits;
            buffer[used++] = (byte)'.';
            body.CopyTo(buffer[used..]);
            used += body.Length;
            HMACSHA256.HashData(key, buffer[..used], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
