using SdServerless.Emulator.Api;
using SdServerless.Emulator.Images;

namespace SdServerless.UnitTests.Emulator;

public class InputImageTests
{
    private static readonly byte[] Png = PngEncoder.Encode(5, 3, 4, new byte[5 * 3 * 4]);

    [Fact]
    public void Base64AndDataUrlsDecode()
    {
        var plain = InputImage.TryDecode(Convert.ToBase64String(Png), out _);
        var dataUrl = InputImage.TryDecode("data:image/png;base64," + Convert.ToBase64String(Png), out _);

        Assert.Equal((5, 3, 4), (plain!.Width, plain.Height, plain.Pixels!.Channels));
        Assert.Equal((5, 3), (dataUrl!.Width, dataUrl.Height));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("aGVsbG8gd29ybGQ=")]
    [InlineData("")]
    [InlineData("data:image/png,abc")]
    public void WhatIsNotAnImageIsAnInvalidEncodedImage(string encoding)
    {
        Assert.Null(InputImage.TryDecode(encoding, out var error));
        Assert.Equal("Invalid encoded image", error);
    }

    [Fact]
    public void UrlsAreNotFetched()
    {
        Assert.Null(InputImage.TryDecode("https://example.com/cat.png", out var error));
        Assert.Equal("Requests not allowed", error);
    }

    [Fact]
    public void AWebPInputIsRecognisedByItsHeader()
    {
        // A lossless (VP8L) header for a 300x200 canvas: 14 bits width-1, 14 bits height-1.
        var bits = (300u - 1) | ((200u - 1) << 14);
        var webp = new byte[40];
        "RIFF"u8.CopyTo(webp);
        "WEBPVP8L"u8.CopyTo(webp.AsSpan(8));
        webp[20] = 0x2F;
        BitConverter.TryWriteBytes(webp.AsSpan(21), bits);

        var image = InputImage.TryDecode(Convert.ToBase64String(webp), out _);

        Assert.Equal((300, 200), (image!.Width, image.Height));
        Assert.Null(image.Pixels);
    }
}
