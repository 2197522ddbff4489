using System.Buffers.Text;

namespace SdServerless.Core.Tasks;

/// <summary>
/// Tells the forms of an image input apart as SD Web UI's decode_base64_to_image does (URL, data URL, base64),
/// without decoding or copying the image: the parser checks inputs of every submission, some megabytes large.
/// </summary>
public static class ImageInput
{
    /// <summary>A scheme ends within this many characters; a colon further on cannot start a URL.</summary>
    private const int MaxSchemeLength = 32;

    /// <summary>Which form <paramref name="value"/> has; base64 counts only when it decodes.</summary>
    /// <param name="value">The input's text as the client sent it (unescaped).</param>
    public static ImageInputKind Classify(ReadOnlySpan<char> value)
    {
        var colon = value[..Math.Min(value.Length, MaxSchemeLength)].IndexOf(':');
        if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = value.IndexOf(',');
            return comma > 0
                && value.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase)
                && value[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase)
                && IsBase64(value[(comma + 1)..])
                ? ImageInputKind.DataUrl
                : ImageInputKind.Invalid;
        }

        if (colon > 0 && value[colon..].StartsWith("://", StringComparison.Ordinal))
        {
            return ImageInputKind.Url;
        }

        return IsBase64(value) ? ImageInputKind.Base64 : ImageInputKind.Invalid;
    }

    /// <summary>The same for JSON's UTF-8 text, so that a large inline image is never turned into a string.</summary>
    public static ImageInputKind Classify(ReadOnlySpan<byte> utf8Value)
    {
        var colon = utf8Value[..Math.Min(utf8Value.Length, MaxSchemeLength)].IndexOf((byte)':');
        if (StartsWithIgnoreCase(utf8Value, "data:"u8))
        {
            var comma = utf8Value.IndexOf((byte)',');
            return comma > 0
                && StartsWithIgnoreCase(utf8Value, "data:image/"u8)
                && EndsWithIgnoreCase(utf8Value[..comma], ";base64"u8)
                && IsBase64(utf8Value[(comma + 1)..])
                ? ImageInputKind.DataUrl
                : ImageInputKind.Invalid;
        }

        if (colon > 0 && utf8Value[colon..].StartsWith("://"u8))
        {
            return ImageInputKind.Url;
        }

        return IsBase64(utf8Value) ? ImageInputKind.Base64 : ImageInputKind.Invalid;
    }

    /// <summary>The base64 text of a <see cref="ImageInputKind.DataUrl"/> or <see cref="ImageInputKind.Base64"/> input.</summary>
    public static ReadOnlySpan<char> Base64Payload(ReadOnlySpan<char> value) =>
        value.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? value[(value.IndexOf(',') + 1)..] : value;

    /// <summary>
    /// The first bytes (at most <paramref name="maxBytes"/>) of a data URL's or base64 input's image, decoded from its
    /// UTF-8 text: enough to read its header without decoding megabytes.
    /// </summary>
    public static byte[] DecodeHead(ReadOnlySpan<byte> utf8Value, int maxBytes)
    {
        var payload = StartsWithIgnoreCase(utf8Value, "data:"u8) ? utf8Value[(utf8Value.IndexOf((byte)',') + 1)..] : utf8Value;
        var text = new List<byte>(Math.Min(payload.Length, (maxBytes / 3 * 4) + 4));
        foreach (var c in payload)
        {
            if (text.Count >= maxBytes / 3 * 4)
            {
                break;
            }

            if (c is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                text.Add(c);
            }
        }

        var whole = text.Count / 4 * 4;
        var bytes = new byte[whole / 4 * 3];
        Base64.DecodeFromUtf8(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(text)[..whole], bytes, out _, out var written, isFinalBlock: whole == text.Count);
        return bytes[..written];
    }

    private static bool IsBase64(ReadOnlySpan<char> value) => Base64.IsValid(value, out var length) && length > 0;

    private static bool IsBase64(ReadOnlySpan<byte> value) => Base64.IsValid(value, out var length) && length > 0;

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> asciiPrefix) =>
        value.Length >= asciiPrefix.Length && System.Text.Ascii.EqualsIgnoreCase(value[..asciiPrefix.Length], asciiPrefix);

    private static bool EndsWithIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> asciiSuffix) =>
        value.Length >= asciiSuffix.Length && System.Text.Ascii.EqualsIgnoreCase(value[^asciiSuffix.Length..], asciiSuffix);
}
