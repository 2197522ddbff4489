using SdServerless.Core.Images;

namespace SdServerless.UnitTests.Dispatch;

public sealed class ImageFormatSnifferTests
{
    public static TheoryData<byte[], string, string> Samples => new()
    {
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "png", "image/png" },
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F'], "jpg", "image/jpeg" },
        { Encoding.ASCII.GetBytes("GIF89a\x01\0\x01\0"), "gif", "image/gif" },
        { Encoding.ASCII.GetBytes("GIF87a\x01\0\x01\0"), "gif", "image/gif" },
        { Encoding.ASCII.GetBytes("RIFF\x10\0\0\0WEBPVP8 "), "webp", "image/webp" },
        { [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'m', (byte)'p', (byte)'4', (byte)'2'], "mp4", "video/mp4" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void TheFormatComesFromTheLeadingBytes(byte[] bytes, string extension, string contentType)
    {
        var format = ImageFormatSniffer.Detect(bytes);

        Assert.Equal(extension, format!.Extension);
        Assert.Equal(contentType, format.ContentType);
    }

    [Theory]
    [InlineData("<html><body>not found</body></html>")]
    [InlineData("RIFF\x10\0\0\0WAVEfmt ")]
    [InlineData("")]
    public void BytesOfNoKnownFormatAreNotAnImage(string text)
    {
        Assert.Null(ImageFormatSniffer.Detect(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void AnUnrecognisedOutputIsStoredAsPng()
    {
        Assert.Equal(ImageFormat.Png, ImageFormatSniffer.DetectOutput("???"u8));
    }

    [Fact]
    public void VideosAreOutputsButNotInputImages()
    {
        Assert.False(ImageFormat.Mp4.IsInputImage);
        Assert.True(ImageFormat.WebP.IsInputImage);
        Assert.True(ImageFormat.Gif.IsInputImage);
    }
}
