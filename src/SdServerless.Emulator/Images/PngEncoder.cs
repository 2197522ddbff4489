using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SdServerless.Emulator.Images;

/// <summary>
/// A minimal PNG writer: 8-bit RGB or RGBA, rows filtered Up or Sub, one IDAT chunk, optional tEXt chunks.
/// Rows come from a callback so that large placeholders never exist as one pixel buffer.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The PNG file of an image whose rows <paramref name="fillRow"/> produces, as one array.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="channels">3 (RGB) or 4 (RGBA), 8 bits each.</param>
    /// <param name="fillRow">Writes row y's pixels into the span it is given.</param>
    /// <param name="text">tEXt chunks to add (SD Web UI keeps its "parameters" there); null: none.</param>
    public static byte[] Encode(int width, int height, int channels, PngRowFiller fillRow,
        IReadOnlyList<KeyValuePair<string, string>>? text = null)
    {
        using var output = new MemoryStream();
        Write(output, width, height, channels, fillRow, text);
        return output.ToArray();
    }

    /// <summary>The PNG file of an image already in memory, row after row without padding.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="channels">3 (RGB) or 4 (RGBA), 8 bits each.</param>
    /// <param name="pixels">At least width × height × channels bytes.</param>
    /// <param name="text">tEXt chunks to add; null: none.</param>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> is too small for the image.</exception>
    public static byte[] Encode(int width, int height, int channels, ReadOnlyMemory<byte> pixels,
        IReadOnlyList<KeyValuePair<string, string>>? text = null)
    {
        var stride = checked(width * channels);
        if (pixels.Length < (long)stride * height)
        {
            throw new ArgumentException("The pixel buffer is smaller than width × height × channels.", nameof(pixels));
        }

        return Encode(width, height, channels, (y, row) => pixels.Span.Slice(y * stride, stride).CopyTo(row), text);
    }

    /// <summary>Writes the PNG file to <paramref name="output"/>, filling and compressing one row at a time.</summary>
    /// <param name="output">Where the file goes.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="channels">3 (RGB) or 4 (RGBA), 8 bits each.</param>
    /// <param name="fillRow">Writes row y's pixels into the span it is given.</param>
    /// <param name="text">tEXt chunks to add; null: none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1, or channels other than 3 or 4.</exception>
    public static void Write(Stream output, int width, int height, int channels, PngRowFiller fillRow,
        IReadOnlyList<KeyValuePair<string, string>>? text = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(fillRow);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is not (3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "PNG output supports RGB (3) or RGBA (4).");
        }

        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;
        header[9] = (byte)(channels == 4 ? 6 : 2);
        WriteChunk(output, "IHDR"u8, header);

        foreach (var (key, value) in text ?? [])
        {
            WriteText(output, key, value);
        }

        WriteChunk(output, "IDAT"u8, Compress(width, height, channels, fillRow));
        WriteChunk(output, "IEND"u8, []);
    }

    /// <summary>
    /// Filters each row before deflate: a row equal to the one above as "Up" (all zeros), any other as "Sub" (each byte
    /// minus the one a pixel to its left). Placeholders repeat rows and change slowly along them, so both leave deflate
    /// long runs it compresses at memory speed: a 512×512 placeholder encodes in a fraction of the time unfiltered rows
    /// took, which matters because the emulator shares its machine with the control plane it stands in for.
    /// </summary>
    private static ReadOnlySpan<byte> Compress(int width, int height, int channels, PngRowFiller fillRow)
    {
        var stride = checked(width * channels);
        var rows = ArrayPool<byte>.Shared.Rent(3 * stride + 1);
        try
        {
            // Placeholders compress well; start near the raw size divided by a typical ratio to avoid regrowth.
            var compressed = new MemoryStream(Math.Max(1024, stride * height / 8));
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                var previous = rows.AsSpan(0, stride);
                var current = rows.AsSpan(stride, stride);
                var line = rows.AsSpan(2 * stride, stride + 1);
                for (var y = 0; y < height; y++)
                {
                    fillRow(y, current);
                    if (y > 0 && current.SequenceEqual(previous))
                    {
                        line[0] = 2;
                        line[1..].Clear();
                    }
                    else
                    {
                        line[0] = 1;
                        current[..channels].CopyTo(line[1..]);
                        for (var i = channels; i < stride; i++)
                        {
                            line[1 + i] = unchecked((byte)(current[i] - current[i - channels]));
                        }
                    }

                    zlib.Write(line);
                    var swap = previous;
                    previous = current;
                    current = swap;
                }
            }

            return compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rows);
        }
    }

    private static void WriteText(Stream output, string key, string value)
    {
        // Keywords are 1-79 Latin-1 characters; tEXt holds Latin-1 text, iTXt (uncompressed) holds anything else as UTF-8.
        var keyword = Encoding.Latin1.GetBytes(key);
        if (keyword.Length is < 1 or > 79 || key.Any(c => c > 0xFF))
        {
            throw new ArgumentException("A PNG text keyword has 1 to 79 Latin-1 characters.", nameof(key));
        }

        var latin1 = value.All(c => c <= 0xFF);
        var body = latin1 ? Encoding.Latin1.GetBytes(value) : Encoding.UTF8.GetBytes(value);
        // iTXt after the keyword's NUL: compression flag, method, empty language tag + NUL, empty translation + NUL.
        ReadOnlySpan<byte> itxtFields = [0, 0, 0, 0];
        var extra = latin1 ? 0 : itxtFields.Length;
        var payload = new byte[keyword.Length + 1 + extra + body.Length];
        keyword.CopyTo(payload, 0);
        itxtFields[..extra].CopyTo(payload.AsSpan(keyword.Length + 1));
        body.CopyTo(payload, keyword.Length + 1 + extra);
        WriteChunk(output, latin1 ? "tEXt"u8 : "iTXt"u8, payload);
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        type.CopyTo(buffer[4..]);
        output.Write(buffer);
        output.Write(data);
        var crc = Crc32.Append(Crc32.Compute(type), data);
        BinaryPrimitives.WriteUInt32BigEndian(buffer, crc);
        output.Write(buffer[..4]);
    }
}
