using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SdServerless.Core.Webhooks;

/// <summary>
/// Standard Webhooks signatures: <c>v1,&lt;base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")&gt;</c>, one per secret,
/// space-separated (<c>v1,&lt;a&gt; v1,&lt;b&gt;</c>): during a secret rotation a receiver that still holds the previous
/// secret verifies as well as one that holds the new. Runs once per delivery attempt, so it hashes from a pooled
/// buffer and allocates only the returned string. A fixed signer is its own <see cref="IWebhookSignerSource"/>.
/// </summary>
public sealed class WebhookSigner : IWebhookSignerSource
{
    /// <summary>What each signature starts with: the scheme version, HMAC-SHA256 in Standard Webhooks.</summary>
    public const string VersionPrefix = "v1,";

    private const int HashBytes = 32;
    private const int Base64HashChars = 44;
    private const int SignatureChars = 3 + Base64HashChars; // "v1," and the hash
    private const int StackLimit = 1024;

    private readonly WebhookSecret[] _secrets;

    /// <summary>A signer with one secret, outside a rotation.</summary>
    /// <param name="secret">The secret the receivers hold.</param>
    public WebhookSigner(WebhookSecret secret) => _secrets = [secret];

    /// <param name="secrets">The current secret first, then any the receivers may still hold; at least one.</param>
    public WebhookSigner(IReadOnlyCollection<WebhookSecret> secrets)
    {
        ArgumentOutOfRangeException.ThrowIfZero(secrets.Count);
        _secrets = [.. secrets];
    }

    /// <summary>How many signatures each header carries.</summary>
    public int SecretCount => _secrets.Length;

    /// <summary>The value of the webhook-signature header for one message.</summary>
    public string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        var length = _secrets.Length * (SignatureChars + 1) - 1;
        Span<char> header = length <= 256 ? stackalloc char[length] : new char[length];
        var used = 0;
        foreach (var secret in _secrets)
        {
            if (used > 0)
            {
                header[used++] = ' ';
            }

            ComputeHash(secret.Key, messageId, timestamp, body, hash);
            VersionPrefix.CopyTo(header[used..]);
            used += VersionPrefix.Length;
            Convert.TryToBase64Chars(hash, header[used..], out var written);
            used += written;
        }

        return new string(header[..used]);
    }

    /// <summary>This signer itself: its secrets never change.</summary>
    /// <param name="cancellationToken">Not used: nothing is read.</param>
    public ValueTask<WebhookSigner> GetSignerAsync(CancellationToken cancellationToken) => ValueTask.FromResult(this);

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
