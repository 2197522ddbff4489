using System.Buffers.Binary;

namespace SdServerless.Core.Images;

/// <summary>
/// Reads an image's width and height from its header without decoding it: PNG (IHDR), GIF (logical screen), WebP
/// (VP8, VP8L, VP8X) and JPEG (the first start-of-frame marker). A few bytes describe an image that decodes to
/// gigabytes, so the size is what bounds the work an input makes, not its length.
/// </summary>
public static class ImageDimensions
{
    /// <summary>False when the bytes are none of those formats or end before the size (a JPEG's may come late).</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        var format = ImageFormatSniffer.Detect(data);
        if (format == ImageFormat.Png)
        {
            // Signature (8), IHDR length (4) and type (4), then width and height, big-endian.
            return data.Length >= 24 && Set(BinaryPrimitives.ReadInt32BigEndian(data[16..]), BinaryPrimitives.ReadInt32BigEndian(data[20..]), out width, out height);
        }

        if (format == ImageFormat.Gif)
        {
            return data.Length >= 10 && Set(BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..]), out width, out height);
        }

        if (format == ImageFormat.WebP)
        {
            return TryReadWebP(data, out width, out height);
        }

        return format == ImageFormat.Jpeg && TryReadJpeg(data, out width, out height);
    }

    private static bool TryReadWebP(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (data.Length < 30)
        {
            return false;
        }

        var chunk = data.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            // 24-bit canvas width and height minus one, little-endian, after 4 bytes of flags.
            return Set(Read24(data[24..]) + 1, Read24(data[27..]) + 1, out width, out height);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // After the 0x2f signature: 14 bits of width − 1, 14 bits of height − 1.
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return data[20] == 0x2f && Set((int)(bits & 0x3fff) + 1, (int)((bits >> 14) & 0x3fff) + 1, out width, out height);
        }

        if (chunk.SequenceEqual("VP8 "u8))
        {
            // The key frame's start code 9d 01 2a, then 14-bit width and height.
            return data[23] == 0x9d && data[24] == 0x01 && data[25] == 0x2a
                && Set(BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3fff, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3fff, out width, out height);
        }

        return false;
    }

    private static bool TryReadJpeg(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        var at = 2;
        while (at + 4 <= data.Length)
        {
            if (data[at] != 0xff)
            {
                return false;
            }

            var marker = data[at + 1];
            if (marker == 0xff)
            {
                at++;
                continue;
            }

            if (marker is 0xd8 or 0x01 or (>= 0xd0 and <= 0xd7))
            {
                at += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            var isFrame = marker is >= 0xc0 and <= 0xcf and not 0xc4 and not 0xc8 and not 0xcc;
            if (isFrame)
            {
                // Length (2), precision (1), height (2), width (2).
                return at + 9 <= data.Length
                    && Set(BinaryPrimitives.ReadUInt16BigEndian(data[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(at + 5)..]), out width, out height);
            }

            if (length < 2)
            {
                return false;
            }

            at += 2 + length;
        }

        return false;
    }

    private static int Read24(ReadOnlySpan<byte> data) => data[0] | (data[1] << 8) | (data[2] << 16);

    private static bool Set(int width, int height, out int outWidth, out int outHeight)
    {
        outWidth = width;
        outHeight = height;
        return width > 0 && height > 0;
    }
}
