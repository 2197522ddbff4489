namespace SdServerless.UnitTests.Tasks;

public class ImageInputTests
{
    [Theory]
    [InlineData("https://images.example.com/a.png", ImageInputKind.Url)]
    [InlineData("HTTP://images.example.com/a.png", ImageInputKind.Url)]
    [InlineData("ftp://images.example.com/a.png", ImageInputKind.Url)]
    [InlineData("data:image/png;base64,aGVsbG8=", ImageInputKind.DataUrl)]
    [InlineData("DATA:IMAGE/JPEG;BASE64,aGVsbG8=", ImageInputKind.DataUrl)]
    [InlineData("aGVsbG8=", ImageInputKind.Base64)]
    [InlineData("aGVs\nbG8=", ImageInputKind.Base64)]
    [InlineData("data:text/html;base64,aGVsbG8=", ImageInputKind.Invalid)]
    [InlineData("data:image/png,aGVsbG8=", ImageInputKind.Invalid)]
    [InlineData("data:image/png;base64,", ImageInputKind.Invalid)]
    [InlineData("aGVsbG8", ImageInputKind.Invalid)]
    [InlineData("file:/etc/passwd", ImageInputKind.Invalid)]
    [InlineData("", ImageInputKind.Invalid)]
    public void InputsAreClassifiedAlikeFromTextAndFromUtf8(string value, ImageInputKind expected)
    {
        Assert.Equal(expected, ImageInput.Classify(value));
        Assert.Equal(expected, ImageInput.Classify(Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void TheBase64PayloadOfADataUrlFollowsTheComma()
    {
        Assert.Equal("aGVsbG8=", ImageInput.Base64Payload("data:image/png;base64,aGVsbG8=").ToString());
        Assert.Equal("aGVsbG8=", ImageInput.Base64Payload("aGVsbG8=").ToString());
    }
}
