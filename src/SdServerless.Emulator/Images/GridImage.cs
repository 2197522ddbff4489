namespace SdServerless.Emulator.Images;

/// <summary>SD Web UI's image grid (rows = round(√n), as with its default n_rows = -1) of placeholder tiles.</summary>
internal static class GridImage
{
    public static (int Width, int Height, PngRowFiller Rows) Compose(int tileWidth, int tileHeight, IReadOnlyList<PngRowFiller> tiles)
    {
        var rows = Math.Clamp((int)Math.Round(Math.Sqrt(tiles.Count), MidpointRounding.ToEven), 1, tiles.Count);
        var columns = (tiles.Count + rows - 1) / rows;
        var stride = tileWidth * 3;
        return (tileWidth * columns, tileHeight * rows, (y, row) =>
        {
            var tileRow = y / tileHeight;
            for (var column = 0; column < columns; column++)
            {
                var index = tileRow * columns + column;
                var slice = row.Slice(column * stride, stride);
                if (index < tiles.Count)
                {
                    tiles[index](y % tileHeight, slice);
                }
                else
                {
                    slice.Clear();
                }
            }
        });
    }
}
