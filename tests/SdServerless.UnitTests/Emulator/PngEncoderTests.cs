using System.Buffers.Binary;
using SdServerless.Emulator.Images;
using StbImageSharp;

namespace SdServerless.UnitTests.Emulator;

public class PngEncoderTests
{
    [Fact]
    public void Crc32MatchesTheStandardCheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Theory]
    [InlineData(3, 1, 1)]
    [InlineData(3, 64, 48)]
    [InlineData(4, 33, 7)]
    public void EncodedPixelsDecodeBackUnchanged(int channels, int width, int height)
    {
        var pixels = new byte[width * height * channels];
        new Random(width * 1000 + height).NextBytes(pixels);

        var png = PngEncoder.Encode(width, height, channels, pixels);

        var decoded = ImageResult.FromMemory(png, channels == 4 ? ColorComponents.RedGreenBlueAlpha : ColorComponents.RedGreenBlue);
        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        Assert.Equal(pixels, decoded.Data);
    }

    [Theory]
    [InlineData(512, 512, 7L)]
    [InlineData(64, 200, 123456789L)]
    public void PlaceholdersDecodeToExactlyTheRowsTheirFillerMakes(int width, int height, long seed)
    {
        // Placeholders repeat rows (filtered Up) and vary along them (filtered Sub): both filters must round-trip.
        var rows = PlaceholderImage.Rows(width, height, seed);
        var expected = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            rows(y, expected.AsSpan(y * width * 3, width * 3));
        }

        var png = PlaceholderImage.Encode(width, height, PlaceholderImage.Rows(width, height, seed), "p");

        var decoded = ImageResult.FromMemory(png, ColorComponents.RedGreenBlue);
        Assert.Equal(expected, decoded.Data);
    }

    [Fact]
    public void NoisyPlaceholdersRoundTripAndWeighAsMuchAsSdWebUisPngs()
    {
        var rows = PlaceholderImage.Rows(1024, 1024, 5, noiseBits: 1);
        var expected = new byte[1024 * 1024 * 3];
        for (var y = 0; y < 1024; y++)
        {
            rows(y, expected.AsSpan(y * 1024 * 3, 1024 * 3));
        }

        var png = PlaceholderImage.Encode(1024, 1024, PlaceholderImage.Rows(1024, 1024, 5, noiseBits: 1), "p");

        Assert.Equal(expected, ImageResult.FromMemory(png, ColorComponents.RedGreenBlue).Data);
        Assert.InRange(png.Length, 1_000_000, 2_500_000);
        Assert.True(PlaceholderImage.Encode(1024, 1024, PlaceholderImage.Rows(1024, 1024, 5), "p").Length < 200_000);
    }

    [Fact]
    public void EveryChunkCarriesAValidCrc()
    {
        var png = PlaceholderImage.Encode(128, 96, PlaceholderImage.Rows(128, 96, 42), "a prompt\nSteps: 20");

        var chunks = ReadChunks(png);

        Assert.Equal(["IHDR", "tEXt", "tEXt", "IDAT", "IEND"], chunks.Select(chunk => chunk.Type));
        Assert.All(chunks, chunk => Assert.Equal(BitwiseCrc(png.AsSpan(chunk.Offset + 4, chunk.Length + 4)), chunk.Crc));
    }

    [Fact]
    public void PlaceholdersSayWhatTheyAre()
    {
        var png = PlaceholderImage.Encode(16, 16, PlaceholderImage.Rows(16, 16, 1), "cat");

        var texts = ReadChunks(png).Where(chunk => chunk.Type == "tEXt")
            .Select(chunk => Encoding.Latin1.GetString(png, chunk.Offset + 8, chunk.Length)).ToList();

        Assert.Contains("parameters\0cat", texts);
        Assert.Contains("Software\0SdServerless emulator (placeholder, not Stable Diffusion)", texts);
    }

    [Fact]
    public void TextOutsideLatin1GoesIntoAnInternationalTextChunk()
    {
        var png = PngEncoder.Encode(2, 2, 3, new byte[12], [new("parameters", "猫 wizard")]);

        var chunk = Assert.Single(ReadChunks(png), chunk => chunk.Type == "iTXt");
        Assert.EndsWith("猫 wizard", Encoding.UTF8.GetString(png, chunk.Offset + 8, chunk.Length), StringComparison.Ordinal);
        Assert.Equal(2, ImageResult.FromMemory(png, ColorComponents.RedGreenBlue).Width);
    }

    [Fact]
    public void PlaceholdersDifferBySeed()
    {
        var first = PlaceholderImage.Encode(64, 64, PlaceholderImage.Rows(64, 64, 1), "");
        var second = PlaceholderImage.Encode(64, 64, PlaceholderImage.Rows(64, 64, 2), "");

        Assert.NotEqual(ImageResult.FromMemory(first).Data, ImageResult.FromMemory(second).Data);
    }

    [Fact]
    public void LargePlaceholdersDecodeAtTheirFullSize()
    {
        var png = PlaceholderImage.Encode(1024, 1024, PlaceholderImage.Rows(1024, 1024, 7), "");

        var decoded = ImageResult.FromMemory(png, ColorComponents.RedGreenBlue);
        Assert.Equal((1024, 1024), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void ChannelCountsOtherThanRgbAndRgbaAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(1, 1, 2, new byte[2]));

    private static List<(string Type, int Offset, int Length, uint Crc)> ReadChunks(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new List<(string, int, int, uint)>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            chunks.Add((type, offset, length, crc));
            offset += 12 + length;
        }

        return chunks;
    }

    /// <summary>An independent, bit-at-a-time CRC-32, so the table-driven one is not checked against itself.</summary>
    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
