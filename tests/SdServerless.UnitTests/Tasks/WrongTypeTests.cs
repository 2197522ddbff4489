namespace SdServerless.UnitTests.Tasks;

/// <summary>A field of the wrong JSON type is a field error with a clear message, never an exception.</summary>
public class WrongTypeTests
{
    [Theory]
    [InlineData("steps", "\"many\"", "must be an integer")]
    [InlineData("steps", "\"16.5\"", "must be an integer")]
    [InlineData("width", "[512]", "must be an integer")]
    [InlineData("cfg_scale", "\"seven\"", "must be a number")]
    [InlineData("cfg_scale", "\"inf\"", "is out of range")]
    [InlineData("restore_faces", "\"maybe\"", "must be true or false")]
    [InlineData("restore_faces", "2", "must be true or false")]
    [InlineData("override_settings", "\"x\"", "must be an object")]
    [InlineData("override_settings", "[1]", "must be an object")]
    [InlineData("seed", "99999999999999999999", "is out of range")]
    [InlineData("seed", "1e400", "is out of range")]
    [InlineData("cfg_scale", "1e400", "is out of range")]
    [InlineData("prompt", "[\"a\"]", "must be a string")]
    [InlineData("alwayson_scripts", "\"x\"", "must be an object")]
    [InlineData("script_args", "{}", "must be an array")]
    [InlineData("styles", "\"anime\"", "must be an array of strings")]
    [InlineData("init_images", "\"abc\"", "must be an array of images")]
    [InlineData("mask", "7", "must be a string")]
    public async Task AKnownContentFieldOfTheWrongTypeIsAFieldError(string field, string value, string expected)
    {
        var result = await Parsing.V2(Parsing.V2Body($$"""{"{{field}}":{{value}}}"""));

        Assert.Equal(expected, Parsing.SingleError(result, "task.content." + field));
    }

    [Fact]
    public async Task AnArrayElementOfTheWrongTypeIsNamedByIndex()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"styles":["a",[2]]}"""));

        Assert.Equal("must be a string", Parsing.SingleError(result, "task.content.styles[1]"));
    }

    [Fact]
    public async Task AnEscapedFieldNameIsStillChecked()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"st\u0065ps":5000}"""));

        Assert.Equal("must be between 1 and 150", Parsing.SingleError(result, "task.content.steps"));
    }

    [Theory]
    [InlineData("\"x\"", "task", "must be an object")]
    [InlineData("{}", "task.metadata", "is required")]
    public async Task TheV1Alpha2EnvelopeMustBeObjects(string task, string field, string expected)
    {
        var result = await Parsing.V2($$"""{"task":{{task}}}""");

        Assert.Contains(result.Errors, e => e.Field == field && e.Message == expected);
    }

    [Fact]
    public async Task ContentThatIsNotAnObjectIsAFieldError()
    {
        var body = Parsing.V2Body("\"a cat\"");

        Assert.Equal("must be an object", Parsing.SingleError(await Parsing.V2(body), "task.content"));
    }

    [Fact]
    public async Task AMissingTaskIsAFieldError()
    {
        Assert.Equal("is required", Parsing.SingleError(await Parsing.V2("{}"), "task"));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("42")]
    [InlineData("""{"user":"u1","tags":["a",{"b":null}]}""")]
    [InlineData("[1,\"two\",[3]]")]
    [InlineData("false")]
    public async Task AnyContextIsFineAndKeptAsSent(string context)
    {
        var result = await Parsing.V2(Parsing.V2Body(extraMetadata: $"\"context\":{context}"));

        Parsing.AssertValid(result);
        Assert.Equal(context, result.Task!.Context!.ToJsonString());
    }

    [Fact]
    public async Task UnknownFieldsOfAnyTypeAreNotErrors()
    {
        var result = await Parsing.V2(Parsing.V2Body("""{"my_extension_field":{"x":[1,"2"]},"another":"many"}"""));

        Parsing.AssertValid(result);
        Assert.Equal("many", result.Task!.Content["another"]!.GetValue<string>());
    }
}
