using SdServerless.Emulator.Images;

namespace SdServerless.Emulator.Api;

/// <summary>
/// An input image as SD Web UI's decode_base64_to_image takes it: base64 or a data URL. An http(s) URL is refused
/// as SD Web UI refuses it: with api_enable_requests off, or when its host is local (loopback, private, link-local)
/// or the URL names a port (SD Web UI resolves "host:port" as a name, which fails). The emulator fetches nothing:
/// any other URL fails as a fetch that returned no image would ("Invalid image url").
/// WebP cannot be decoded here: such an input has a checked header, its size, and no pixels.
/// </summary>
internal sealed record InputImage(int Width, int Height, DecodedImage? Pixels)
{
    public const string InvalidEncodedImage = "Invalid encoded image";
    public const string RequestsNotAllowed = "Requests not allowed";
    public const string LocalResourceNotAllowed = "Request to local resource not allowed";
    public const string InvalidImageUrl = "Invalid image url";

    public static bool IsUrl(string encoding) =>
        encoding.StartsWith("http://", StringComparison.Ordinal) || encoding.StartsWith("https://", StringComparison.Ordinal);

    /// <summary>Why SD Web UI would not turn this URL into an image.</summary>
    public static string UrlError(string url, bool enableRequests) =>
        !enableRequests ? RequestsNotAllowed : IsLocal(url) ? LocalResourceNotAllowed : InvalidImageUrl;

    public static InputImage? TryDecode(string encoding, out string error, bool enableRequests = false)
    {
        error = InvalidEncodedImage;
        if (IsUrl(encoding))
        {
            error = UrlError(encoding, enableRequests);
            return null;
        }

        if (encoding.StartsWith("data:image/", StringComparison.Ordinal))
        {
            // SD Web UI takes what lies between the first ',' after the first ';' and the next ','.
            var parts = encoding.Split(';');
            var payload = parts.Length > 1 ? parts[1].Split(',') : [];
            if (payload.Length < 2)
            {
                return null;
            }

            encoding = payload[1];
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoding);
        }
        catch (FormatException)
        {
            return null;
        }

        if (ImageDecoder.TryDecode(bytes, out var image))
        {
            return new InputImage(image.Width, image.Height, image);
        }

        return WebPHeader.TryReadSize(bytes, out var width, out var height) ? new InputImage(width, height, null) : null;
    }

    /// <summary>verify_url's verdict: a name with a port does not resolve; an address must be global.</summary>
    private static bool IsLocal(string url)
    {
        var authority = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        authority = authority[..(authority.IndexOfAny(['/', '?', '#']) is var end and >= 0 ? end : authority.Length)];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var host = authority.StartsWith('[') ? authority[1..Math.Max(1, authority.IndexOf(']', StringComparison.Ordinal))] : authority;
        if (authority.StartsWith('[') ? authority.EndsWith(']') is false : authority.Contains(':', StringComparison.Ordinal))
        {
            return true;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.Length == 0)
        {
            return true;
        }

        return System.Net.IPAddress.TryParse(host, out var address) && !IsGlobal(address);
    }

    private static bool IsGlobal(System.Net.IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (System.Net.IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal
            || address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        return bytes.Length != 4 || !(bytes[0] == 10 || (bytes[0] == 172 && bytes[1] >= 16 && bytes[1] < 32)
            || (bytes[0] == 192 && bytes[1] == 168) || (bytes[0] == 169 && bytes[1] == 254) || (bytes[0] == 100 && bytes[1] >= 64 && bytes[1] < 128)
            || bytes[0] == 0);
    }
}
