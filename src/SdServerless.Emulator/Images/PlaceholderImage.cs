namespace SdServerless.Emulator.Images;

/// <summary>
/// The emulator's stand-in for a generated image: colour gradients and a block pattern derived from the seed,
/// so that images with different seeds differ. It is a placeholder, never a Stable Diffusion output.
/// </summary>
internal static class PlaceholderImage
{
    public const string Software = "SdServerless emulator (placeholder, not Stable Diffusion)";

    public static byte[] Encode(int width, int height, PngRowFiller rows, string parameters) =>
        PngEncoder.Encode(width, height, 3, rows, [new("parameters", parameters), new("Software", Software)]);

    public static PngRowFiller Rows(int width, int height, long seed)
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

        return (y, row) =>
        {
            var g = (byte)(baseG + y * 255 / height);
            var blockRow = y / block;
            for (var x = 0; x < width; x++)
            {
                var i = x * 3;
                row[i] = rampR[x];
                row[i + 1] = g;
                row[i + 2] = (byte)(((x / block + blockRow) & 1) == 0 ? baseB : 255 - baseB);
            }
        };
    }
}
