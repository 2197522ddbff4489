using System.Buffers.Binary;

namespace SdServerless.Emulator.Images;

/// <summary>
/// Reads a WebP file's canvas size from its first chunk (VP8, VP8L or VP8X). StbImageSharp cannot decode WebP,
/// so the emulator checks such inputs this far and no further.
/// </summary>
internal static class WebPHeader
{
    public static bool TryReadSize(ReadOnlySpan<byte> bytes, out int width, out int height)
    {
        width = height = 0;
        if (bytes.Length < 30 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return false;
        }

        var chunk = bytes[12..16];
        if (chunk.SequenceEqual("VP8 "u8) && bytes[23] == 0x9D && bytes[24] == 0x01 && bytes[25] == 0x2A)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(bytes[26..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(bytes[28..]) & 0x3FFF;
        }
        else if (chunk.SequenceEqual("VP8L"u8) && bytes[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(bytes[21..]);
            width = (int)(bits & 0x3FFF) + 1;
            height = (int)((bits >> 14) & 0x3FFF) + 1;
        }
        else if (chunk.SequenceEqual("VP8X"u8))
        {
            width = (bytes[24] | bytes[25] << 8 | bytes[26] << 16) + 1;
            height = (bytes[27] | bytes[28] << 8 | bytes[29] << 16) + 1;
        }

        return width > 0 && height > 0;
    }
}
