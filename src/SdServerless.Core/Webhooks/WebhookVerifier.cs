using System.Globalization;
using System.Security.Cryptography;

namespace SdServerless.Core.Webhooks;

/// <summary>
/// Checks Standard Webhooks signatures as a receiver would: the timestamp must lie within the tolerance of now
/// (replay protection), and one of the space-separated <c>v1,</c> signatures must match, compared in constant time.
/// </summary>
public sealed class WebhookVerifier(WebhookSecret secret, TimeSpan? tolerance = null, TimeProvider? clock = null)
{
    /// <summary>The reference libraries' default.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const int HashBytes = 32;

    private readonly TimeSpan _tolerance = tolerance ?? DefaultTolerance;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Checks one received message; only <see cref="WebhookVerification.Valid"/> means it may be trusted.</summary>
    /// <param name="messageId">The webhook-id header.</param>
    /// <param name="timestamp">The webhook-timestamp header.</param>
    /// <param name="signatureHeader">The webhook-signature header: one or more space-separated signatures.</param>
    /// <param name="body">The raw body exactly as received (before any JSON parsing).</param>
    public WebhookVerification Verify(string? messageId, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return WebhookVerification.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerification.InvalidTimestamp;
        }

        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var toleranceSeconds = (long)_tolerance.TotalSeconds;
        if (seconds < now - toleranceSeconds || seconds > now + toleranceSeconds)
        {
            return WebhookVerification.TimestampOutOfTolerance;
        }

        Span<byte> expected = stackalloc byte[HashBytes];
        WebhookSigner.ComputeHash(secret.Key, messageId, seconds, body, expected);

        Span<byte> candidate = stackalloc byte[HashBytes + 3];
        foreach (var range in signatureHeader.AsSpan().Split(' '))
        {
            var part = signatureHeader.AsSpan()[range];
            if (!part.StartsWith(WebhookSigner.VersionPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (Convert.TryFromBase64Chars(part[WebhookSigner.VersionPrefix.Length..], candidate, out var length)
                && length == HashBytes
                && CryptographicOperations.FixedTimeEquals(candidate[..length], expected))
            {
                return WebhookVerification.Valid;
            }
        }

        return WebhookVerification.NoMatchingSignature;
    }
}
