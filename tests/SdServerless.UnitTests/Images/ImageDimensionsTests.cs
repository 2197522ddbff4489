using System.Buffers.Binary;
using SdServerless.Core.Images;
using SdServerless.Emulator.Images;

namespace SdServerless.UnitTests.Images;

/// <summary>An image's size read from its header, for every format an input may have.</summary>
public class ImageDimensionsTests
{
    [Fact]
    public void APngEncodedByTheEmulatorHasItsSize()
    {
        var png = PlaceholderImage.Encode(96, 40, PlaceholderImage.Rows(96, 40, seed: 7), "p");

        Assert.True(ImageDimensions.TryRead(png, out var width, out var height));
        Assert.Equal((96, 40), (width, height));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(65535, 300)]
    public void AGifHasItsLogicalScreenSize(int width, int height)
    {
        var gif = new byte[16];
        "GIF89a"u8.CopyTo(gif);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), (ushort)height);

        Assert.Equal((true, width, height), Read(gif));
    }

    [Fact]
    public void AnExtendedWebPHasItsCanvasSize()
    {
        var webp = WebP("VP8X");
        WriteUInt24(webp, 24, 8000 - 1);
        WriteUInt24(webp, 27, 600 - 1);

        Assert.Equal((true, 8000, 600), Read(webp));
    }

    [Fact]
    public void ALosslessWebPHasItsSize()
    {
        var webp = WebP("VP8L");
        webp[20] = 0x2f;
        BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(21), (uint)(1023 | (511 << 14)));

        Assert.Equal((true, 1024, 512), Read(webp));
    }

    [Fact]
    public void ALossyWebPHasItsKeyFrameSize()
    {
        var webp = WebP("VP8 ");
        webp[23] = 0x9d;
        webp[24] = 0x01;
        webp[25] = 0x2a;
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(26), 4000);
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(28), 3000);

        Assert.Equal((true, 4000, 3000), Read(webp));
    }

    [Fact]
    public void AJpegHasItsFrameSizeAfterItsMetadataSegments()
    {
        var exif = new byte[5000];
        var jpeg = new List<byte> { 0xff, 0xd8 };
        jpeg.AddRange([0xff, 0xe1, (byte)((exif.Length + 2) >> 8), (byte)((exif.Length + 2) & 0xff)]);
        jpeg.AddRange(exif);
        jpeg.AddRange([0xff, 0xdb, 0x00, 0x04, 0x00, 0x00]);
        jpeg.AddRange([0xff, 0xc2, 0x00, 0x11, 0x08, 0x0b, 0xd0, 0x0f, 0xc0, 0x03]);

        Assert.Equal((true, 4032, 3024), Read([.. jpeg]));
    }

    [Fact]
    public void AJpegCutBeforeItsFrameHasNoSizeYet()
    {
        byte[] jpeg = [0xff, 0xd8, 0xff, 0xe1, 0x10, 0x00, 0x00, 0x00];

        Assert.False(ImageDimensions.TryRead(jpeg, out _, out _));
    }

    [Fact]
    public void BytesOfNoImageHaveNoSize() =>
        Assert.False(ImageDimensions.TryRead("not an image at all"u8, out _, out _));

    private static (bool, int, int) Read(byte[] data) =>
        (ImageDimensions.TryRead(data, out var width, out var height), width, height);

    private static byte[] WebP(string chunk)
    {
        var webp = new byte[40];
        "RIFF"u8.CopyTo(webp);
        "WEBP"u8.CopyTo(webp.AsSpan(8));
        System.Text.Encoding.ASCII.GetBytes(chunk).CopyTo(webp, 12);
        return webp;
    }

    private static void WriteUInt24(byte[] data, int at, int value)
    {
        data[at] = (byte)value;
        data[at + 1] = (byte)(value >> 8);
        data[at + 2] = (byte)(value >> 16);
    }
}
