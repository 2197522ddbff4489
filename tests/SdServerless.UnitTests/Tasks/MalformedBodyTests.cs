namespace SdServerless.UnitTests.Tasks;

public class MalformedBodyTests
{
    [Fact]
    public async Task MalformedJsonIsReportedWithLineAndPosition()
    {
        var result = await Parsing.V2("{\n  \"task\": {\n    \"metadata\": nope\n}}");

        Assert.True(result.IsMalformedJson);
        Assert.Null(result.Task);
        var error = Assert.Single(result.Errors);
        Assert.Equal("body", error.Field);
        Assert.StartsWith("the body is not valid JSON (line 3, position 18): 'nope", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"task\":{}} trailing")]
    [InlineData("{'task':{}}")]
    public async Task TextThatIsNotJsonIsMalformed(string body)
    {
        var result = await Parsing.V2(body);

        Assert.True(result.IsMalformedJson);
        Assert.Equal("body", Assert.Single(result.Errors).Field);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"task":{}}]""")]
    [InlineData("42")]
    [InlineData("\"task\"")]
    [InlineData("null")]
    public async Task ARootThatIsNotAnObjectIsRefused(string body)
    {
        var result = await Parsing.V1(body);

        Assert.False(result.IsMalformedJson);
        Assert.Equal("the body must be a JSON object", Parsing.SingleError(result, "body"));
    }

    [Fact]
    public async Task InvalidUtf8IsMalformed()
    {
        var bytes = Encoding.UTF8.GetBytes(Parsing.V2Body("""{"prompt":"AB"}""")).ToArray();
        var at = Array.IndexOf(bytes, (byte)'A');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;

        var result = await Parsing.Parser().ParseAsync(bytes, ApiVersion.V1Alpha2, CancellationToken.None);

        Assert.True(result.IsMalformedJson);
        Assert.Contains("UTF-8", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeepNestingIsMalformedNotAnException()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        var result = await Parsing.V2(Parsing.V2Body("{\"comments\":{\"x\":" + deep + "}}"));

        Assert.True(result.IsMalformedJson);
        Assert.StartsWith("the body nests objects and arrays deeper than 64 levels (line 1,", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASyntaxErrorInsideShallowNestingIsNotCalledTooDeep()
    {
        var result = await Parsing.V2(Parsing.V2Body("{\"comments\":{\"x\":[[[[1,,]]]]}}"));

        Assert.True(result.IsMalformedJson);
        Assert.StartsWith("the body is not valid JSON (line 1,", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestingWithinTheLimitIsAccepted()
    {
        var nested = new string('[', 50) + new string(']', 50);

        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body("{\"comments\":{\"x\":" + nested + "}}")));
    }

    [Fact]
    public async Task ADuplicateKeyIsMalformedSoNoOneReadsADifferentValue()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"steps":10,"steps":9999}"""));

        Assert.True(result.IsMalformedJson);
        Assert.Contains("steps", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyWithAByteOrderMarkIsRead()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Parsing.V2Body())).ToArray();

        Parsing.AssertValid(await Parsing.Parser().ParseAsync(body, ApiVersion.V1Alpha2, CancellationToken.None));
    }

    [Fact]
    public async Task AnUnknownApiVersionIsAProgrammingError()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Parsing.Parser().ParseAsync("{}"u8.ToArray(), "v2", CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"prompt":"\ud800"}""")]
    [InlineData("""{"prompt":"a\udc00b"}""")]
    [InlineData("""{"my_field":{"\ud800":1}}""")]
    [InlineData("""{"\ud83d":1}""")]
    public async Task AnEscapedHalfSurrogateIsMalformedRatherThanAFailureLater(string content)
    {
        var result = await Parsing.V2(Parsing.V2Body(content));

        Assert.True(result.IsMalformedJson);
        Assert.Contains("surrogate", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EscapedNonAsciiTextAsPythonWritesItIsAccepted()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"prompt":"\u732b \ud83d\ude00"}"""));

        Parsing.AssertValid(result);
        Assert.Equal("猫 😀", result.Task!.Content["prompt"]!.GetValue<string>());
    }
}
