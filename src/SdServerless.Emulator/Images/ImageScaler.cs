namespace SdServerless.Emulator.Images;

/// <summary>Nearest-neighbour scaling and centre cropping: enough for placeholder "upscales" of a known size.</summary>
internal static class ImageScaler
{
    public static PngRowFiller Scale(DecodedImage source, int width, int height) =>
        ScaleAndCrop(source, width, height, width, height);

    /// <summary>Scales the source to scaledWidth × scaledHeight, then takes the centred width × height window of it.</summary>
    public static PngRowFiller ScaleAndCrop(DecodedImage source, int scaledWidth, int scaledHeight, int width, int height)
    {
        var channels = source.Channels;
        var offsetX = Math.Max(0, (scaledWidth - width) / 2);
        var offsetY = Math.Max(0, (scaledHeight - height) / 2);
        var columns = new int[width];
        for (var x = 0; x < width; x++)
        {
            var sx = (int)((long)(x + offsetX) * source.Width / scaledWidth);
            columns[x] = Math.Min(sx, source.Width - 1) * channels;
        }

        return (y, row) =>
        {
            var sy = Math.Min((int)((long)(y + offsetY) * source.Height / scaledHeight), source.Height - 1);
            var sourceRow = source.Pixels.AsSpan(sy * source.Stride, source.Stride);
            for (var x = 0; x < columns.Length; x++)
            {
                sourceRow.Slice(columns[x], channels).CopyTo(row.Slice(x * channels, channels));
            }
        };
    }
}
