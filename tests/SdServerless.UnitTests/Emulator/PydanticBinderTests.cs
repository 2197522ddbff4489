using SdServerless.Emulator.Api;

namespace SdServerless.UnitTests.Emulator;

public class PydanticBinderTests
{
    [Fact]
    public void MissingFieldsTakeSdWebUiDefaults()
    {
        var request = Bind("{}", SdApiFields.Txt2Img, out var issues);

        Assert.Empty(issues);
        Assert.Equal(50, request.Int("steps", 0));
        Assert.Equal(7.0, request.Float("cfg_scale", 0));
        Assert.Equal((512L, 512L), (request.Int("width", 0), request.Int("height", 0)));
        Assert.Equal((1L, 1L), (request.Int("batch_size", 0), request.Int("n_iter", 0)));
        Assert.Equal(-1, request.Int("seed", 0));
        Assert.Equal("Euler", request.Str("sampler_index"));
        Assert.True(request.Bool("send_images", false));
        Assert.False(request.Bool("save_images", true));
        Assert.True(request.Bool("override_settings_restore_afterwards", false));
    }

    [Theory]
    [InlineData("\"20\"", 20)]
    [InlineData("20", 20)]
    [InlineData("20.9", 20)]
    [InlineData("-3.5", -3)]
    [InlineData("\" 7 \"", 7)]
    [InlineData("true", 1)]
    public void IntegersAreCoercedAsPydanticDoes(string json, long expected) =>
        Assert.Equal(expected, Bind($$"""{"steps": {{json}}}""", SdApiFields.Txt2Img, out _).Int("steps", 0));

    [Theory]
    [InlineData("\"many\"")]
    [InlineData("\"20.5\"")]
    [InlineData("[20]")]
    [InlineData("{}")]
    public void NonIntegersForAnIntegerFieldAreRejected(string json)
    {
        Bind($$"""{"steps": {{json}}}""", SdApiFields.Txt2Img, out var issues);

        var issue = Assert.Single(issues);
        Assert.Equal(["steps"], issue.Location);
        Assert.Equal("value is not a valid integer", issue.Message);
        Assert.Equal("type_error.integer", issue.Type);
    }

    [Fact]
    public void EveryFailingFieldIsReported()
    {
        Bind("""{"steps": "many", "cfg_scale": "high", "restore_faces": "maybe", "prompt": {}, "override_settings": "x", "script_args": 3}""",
            SdApiFields.Txt2Img, out var issues);

        Assert.Equal(
            ["prompt:type_error.str", "steps:type_error.integer", "cfg_scale:type_error.float", "restore_faces:type_error.bool",
             "override_settings:type_error.dict", "script_args:type_error.list"],
            issues.Select(issue => $"{issue.Location[0]}:{issue.Type}"));
    }

    [Theory]
    [InlineData("steps", "1e400", "type_error.integer")]
    [InlineData("steps", "123456789012345678901234567890", "type_error.integer")]
    [InlineData("cfg_scale", "1e400", "type_error.float")]
    [InlineData("cfg_scale", "\"nan\"", "type_error.float")]
    [InlineData("save_images", "1e400", "type_error.bool")]
    public void HugeAndNonFiniteNumbersAreRejectedCleanly(string field, string json, string type)
    {
        Bind($$"""{"{{field}}": {{json}}}""", SdApiFields.Txt2Img, out var issues);

        Assert.Equal(type, Assert.Single(issues).Type);
    }

    [Fact]
    public void HugeNumbersForExtrasResizeModeAreNotPermitted()
    {
        Bind("""{"resize_mode": 1e400}""", SdApiFields.ExtrasSingleImage, out var issues);

        Assert.Equal("value_error.const", Assert.Single(issues).Type);
    }

    [Fact]
    public void UnknownFieldsAreIgnored()
    {
        var request = Bind("""{"steps": 3, "no_such_field": {"x": 1}}""", SdApiFields.Txt2Img, out var issues);

        Assert.Empty(issues);
        Assert.DoesNotContain(request.Fields, field => field.Name == "no_such_field");
    }

    [Theory]
    [InlineData("\"yes\"", true)]
    [InlineData("\"Off\"", false)]
    [InlineData("1", true)]
    [InlineData("0.0", false)]
    public void BooleansAcceptPydanticsWords(string json, bool expected) =>
        Assert.Equal(expected, Bind($$"""{"save_images": {{json}}}""", SdApiFields.Txt2Img, out _).Bool("save_images", !expected));

    [Fact]
    public void NumbersBecomeStringsForStringFields() =>
        Assert.Equal("42", Bind("""{"prompt": 42}""", SdApiFields.Txt2Img, out _).Str("prompt"));

    [Fact]
    public void NullIsAllowedForGenerationFieldsButNotForExtrasFields()
    {
        Bind("""{"steps": null}""", SdApiFields.Txt2Img, out var generationIssues);
        Bind("""{"upscaling_resize": null}""", SdApiFields.ExtrasSingleImage, out var extrasIssues);

        Assert.Empty(generationIssues);
        Assert.Equal("type_error.none.not_allowed", Assert.Single(extrasIssues).Type);
    }

    [Theory]
    [InlineData("2", false)]
    [InlineData("\"1\"", false)]
    [InlineData("1", true)]
    [InlineData("1.0", true)]
    public void ExtrasResizeModeIsZeroOrOne(string json, bool valid)
    {
        Bind($$"""{"resize_mode": {{json}}}""", SdApiFields.ExtrasSingleImage, out var issues);

        if (valid)
        {
            Assert.Empty(issues);
        }
        else
        {
            Assert.Equal("value_error.const", Assert.Single(issues).Type);
        }
    }

    [Fact]
    public void AListItemOfTheWrongTypeIsLocatedByIndex()
    {
        Bind("""{"init_images": ["abc", {}]}""", SdApiFields.Img2Img, out var issues);

        var issue = Assert.Single(issues);
        Assert.Equal(["init_images", 1], issue.Location);
        Assert.Equal("type_error.str", issue.Type);
    }

    [Fact]
    public void ABodyThatIsNotAnObjectIsNotAValidDict()
    {
        Bind("[1, 2]", SdApiFields.Txt2Img, out var issues);

        Assert.Equal("type_error.dict", Assert.Single(issues).Type);
    }

    [Fact]
    public void ParametersEchoCoercedValuesAndDefaults()
    {
        var request = Bind("""{"steps": "20", "alwayson_scripts": {"x": {"args": [1]}}, "extra": 1}""", SdApiFields.Txt2Img, out _);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            request.WriteParameters(writer);
        }

        using var parameters = JsonDocument.Parse(stream.ToArray());
        var root = parameters.RootElement;
        Assert.Equal(20, root.GetProperty("steps").GetInt32());
        Assert.Equal(512, root.GetProperty("width").GetInt32());
        Assert.Equal(1, root.GetProperty("alwayson_scripts").GetProperty("x").GetProperty("args")[0].GetInt32());
        Assert.False(root.TryGetProperty("extra", out _));
    }

    private static BoundRequest Bind(string json, IReadOnlyList<FieldSpec> fields, out List<ValidationIssue> issues)
    {
        using var document = JsonDocument.Parse(json);
        issues = [];
        return PydanticBinder.Bind(document.RootElement, fields, issues);
    }
}
