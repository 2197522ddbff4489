using StbImageSharp;

namespace SdServerless.Emulator.Images;

/// <summary>Decodes PNG, JPEG, GIF (first frame) and BMP with StbImageSharp; WebP is not supported by it.</summary>
internal static class ImageDecoder
{
    public const long MaxPixels = 64L * 1024 * 1024;

    public static bool TryDecode(byte[] bytes, out DecodedImage image)
    {
        image = null!;
        if (bytes.Length == 0)
        {
            return false;
        }

        try
        {
            var info = ImageInfo.FromStream(new MemoryStream(bytes, writable: false));
            // A header may claim any size; refuse what this placeholder server could not hold in memory.
            if (info is null || (long)info.Value.Width * info.Value.Height > MaxPixels)
            {
                return false;
            }

            var hasAlpha = info.Value.ColorComponents is ColorComponents.RedGreenBlueAlpha or ColorComponents.GreyAlpha;
            var wanted = hasAlpha ? ColorComponents.RedGreenBlueAlpha : ColorComponents.RedGreenBlue;
            var result = ImageResult.FromMemory(bytes, wanted);
            image = new DecodedImage(result.Width, result.Height, hasAlpha ? 4 : 3, result.Data);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NotSupportedException)
        {
            return false;
        }
    }
}
