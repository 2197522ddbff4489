using System.Security.Cryptography;

namespace SdServerless.Core.Webhooks;

/// <summary>
/// A Standard Webhooks signing secret, written <c>whsec_&lt;base64&gt;</c>. The key never appears in
/// <see cref="ToString"/> (logs, exception messages); <see cref="Reveal"/> is the one explicit way to print it.
/// </summary>
public sealed class WebhookSecret
{
    /// <summary>What a written secret starts with, marking it as a Standard Webhooks secret.</summary>
    public const string Prefix = "whsec_";

    /// <summary>The spec recommends keys of 24 to 64 bytes.</summary>
    public const int MinKeyBytes = 24;
    /// <summary>The longest key accepted, as the spec recommends.</summary>
    public const int MaxKeyBytes = 64;

    private readonly byte[] _key;

    private WebhookSecret(byte[] key) => _key = key;

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>A new random 32-byte secret.</summary>
    public static WebhookSecret Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Parses <c>whsec_&lt;base64&gt;</c>; the prefix may be left out, as the reference libraries allow.</summary>
    /// <exception cref="FormatException">The text is not a usable secret; the message says why without quoting it.</exception>
    public static WebhookSecret Parse(string? text)
    {
        if (!TryParse(text, out var secret, out var error))
        {
            throw new FormatException(error);
        }

        return secret;
    }

    /// <summary>Parses like <see cref="Parse"/>, without throwing.</summary>
    /// <param name="text">The secret as configured: <c>whsec_&lt;base64&gt;</c>, or the base64 alone.</param>
    /// <param name="secret">The secret, when the text is one.</param>
    /// <param name="error">Why the text is not a usable secret (never quoting it); empty on success.</param>
    /// <returns>Whether the text is a usable secret.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookSecret? secret, out string error)
    {
        secret = null;
        var encoded = text?.Trim() ?? string.Empty;
        if (encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            encoded = encoded[Prefix.Length..];
        }

        if (encoded.Length == 0)
        {
            error = "The webhook secret is empty: expected whsec_ followed by base64.";
            return false;
        }

        var key = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, key, out var length))
        {
            error = "The webhook secret is not valid: expected whsec_ followed by base64 (A-Z a-z 0-9 + / =).";
            return false;
        }

        if (length is < MinKeyBytes or > MaxKeyBytes)
        {
            error = $"The webhook secret decodes to {length} bytes; Standard Webhooks secrets are {MinKeyBytes} to {MaxKeyBytes} bytes.";
            return false;
        }

        secret = new WebhookSecret(key[..length]);
        error = string.Empty;
        return true;
    }

    /// <summary>The secret as <c>whsec_&lt;base64&gt;</c>, for showing it once to whoever configures the receiver.</summary>
    public string Reveal() => Prefix + Convert.ToBase64String(_key);

    /// <summary>"whsec_***": the secret's kind without its key, safe to log.</summary>
    public override string ToString() => Prefix + "***";
}
