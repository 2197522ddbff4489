namespace SdServerless.Emulator.Images;

/// <summary>
/// The emulator's stand-in for a generated image: colour gradients and a block pattern derived from the request's seed,
/// so that images with different seeds differ. It is a placeholder, never a Stable Diffusion output.
/// </summary>
internal static class PlaceholderImage
{
    public const string Software = "SdServerless emulator (placeholder, not Stable Diffusion)";

    public static byte[] Encode(int width, int height, PngRowFiller rows, string parameters) =>
        PngEncoder.Encode(width, height, 3, rows, [new("parameters", parameters), new("Software", Software)]);

    /// <summary>The rows of a placeholder image, produced one at a time as the encoder asks for them.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="seed">The request's seed: the same seed gives the same pixels, another seed another pattern.</param>
    /// <param name="noiseBits">Random low bits per colour byte (see <see cref="EmulatorOptions.ImageNoiseBits"/>).</param>
    public static PngRowFiller Rows(int width, int height, long seed, int noiseBits = 0)
    {
        var smooth = SmoothRows(width, height, seed);
        if (noiseBits <= 0)
        {
            return smooth;
        }

        var mask = (byte)((1 << Math.Min(8, noiseBits)) - 1);
        return (y, row) =>
        {
            smooth(y, row);

            // xorshift64, seeded by the image's seed and the row: the same request gives the same pixels.
            var state = unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(y + 1) * 0xD1B54A32D192ED03UL)) | 1;
            for (var x = 0; x < row.Length; x += 8)
            {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                var random = state;
                for (var i = x; i < Math.Min(x + 8, row.Length); i++, random >>= 8)
                {
                    row[i] = (byte)((row[i] & ~mask) | ((byte)random & mask));
                }
            }
        };
    }

    private static PngRowFiller SmoothRows(int width, int height, long seed)
    {
        var mix = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        var baseR = (int)(mix & 0xFF);
        var baseG = (int)((mix >> 8) & 0xFF);
        var baseB = (int)((mix >> 16) & 0xFF);
        var block = 16 << (int)((mix >> 24) & 3);
        var rampR = new byte[width];
        for (var x = 0; x < width; x++)
        {
            rampR[x] = (byte)(baseR + x * 255 / width);
        }

        var cached = new byte[width * 3];
        var cachedKey = -1;
        return (y, row) =>
        {
            // Green steps every 8 rows and blocks are multiples of 8 rows: a band of 8 rows repeats one row, which
            // is computed once, and deflate's fastest level compresses the repeats at memory speed.
            var g = (byte)(baseG + (y & ~7) * 255 / height);
            var blockRow = y / block;
            var key = (g << 1) | (blockRow & 1);
            if (key != cachedKey)
            {
                for (var x = 0; x < width; x++)
                {
                    var i = x * 3;
                    cached[i] = rampR[x];
                    cached[i + 1] = g;
                    cached[i + 2] = (byte)(((x / block + blockRow) & 1) == 0 ? baseB : 255 - baseB);
                }

                cachedKey = key;
            }

            cached.CopyTo(row);
        };
    }
}
