using SdServerless.Emulator.Images;

namespace SdServerless.Emulator.Api;

/// <summary>
/// An input image as SD Web UI's decode_base64_to_image takes it: base64 or a data URL. The emulator does not
/// fetch http(s) URLs; it answers as SD Web UI configured with api_enable_requests off does.
/// WebP cannot be decoded here: such an input has a checked header, its size, and no pixels.
/// </summary>
internal sealed record InputImage(int Width, int Height, DecodedImage? Pixels)
{
    public const string InvalidEncodedImage = "Invalid encoded image";
    public const string RequestsNotAllowed = "Requests not allowed";

    public static InputImage? TryDecode(string encoding, out string error)
    {
        error = InvalidEncodedImage;
        if (encoding.StartsWith("http://", StringComparison.Ordinal) || encoding.StartsWith("https://", StringComparison.Ordinal))
        {
            error = RequestsNotAllowed;
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
}
