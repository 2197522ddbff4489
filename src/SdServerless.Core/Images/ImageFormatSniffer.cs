namespace SdServerless.Core.Images;

/// <summary>
/// Recognises PNG, JPEG, GIF, WebP and MP4 from magic bytes. Outputs take their extension from here (SD Web UI
/// scripts may return GIFs or videos); downloaded inputs must be one of the image formats.
/// </summary>
public static class ImageFormatSniffer
{
    /// <summary>Enough leading bytes for every signature below.</summary>
    public const int HeaderLength = 12;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The format <paramref name="data"/> starts with, or null when it is none of the known ones.</summary>
    /// <param name="data">The leading bytes; <see cref="HeaderLength"/> are enough, fewer may leave a format unrecognised.</param>
    public static ImageFormat? Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        // ISO base media: a box size, then "ftyp" and the major brand.
        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8))
        {
            return ImageFormat.Mp4;
        }

        return null;
    }

    /// <summary>The format of an output file; PNG when the bytes match nothing known (SD Web UI's default).</summary>
    public static ImageFormat DetectOutput(ReadOnlySpan<byte> data) => Detect(data) ?? ImageFormat.Png;
}
