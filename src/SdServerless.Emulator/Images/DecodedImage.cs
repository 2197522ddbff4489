namespace SdServerless.Emulator.Images;

/// <summary>An 8-bit image in memory, rows top to bottom, <see cref="Channels"/> bytes per pixel (3 RGB or 4 RGBA).</summary>
internal sealed record DecodedImage(int Width, int Height, int Channels, byte[] Pixels)
{
    public int Stride => Width * Channels;
}
