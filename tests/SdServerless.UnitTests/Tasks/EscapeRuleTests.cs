using SdServerless.Emulator.Images;

namespace SdServerless.UnitTests.Tasks;

/// <summary>
/// Inputs SD Web UI would take but that escape one task: settings that persist for every later task, scripts that
/// multiply jobs past the bounds, and input images that decode to far more than their bytes.
/// </summary>
public class EscapeRuleTests
{
    [Theory]
    [InlineData("false")]
    [InlineData("\"false\"")]
    [InlineData("0")]
    public async Task SettingsThatWouldOutliveTheTaskAreRefused(string value)
    {
        var body = Parsing.V2Body($$"""{"prompt":"x","override_settings":{"CLIP_stop_at_last_layers":2},"override_settings_restore_afterwards":{{value}}}""");

        var message = Parsing.SingleError(await Parsing.V2(body), "task.content.override_settings_restore_afterwards");

        Assert.Contains("every later task", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsRestoredAfterwardsAreAccepted() =>
        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body("""{"prompt":"x","override_settings_restore_afterwards":true}""")));

    [Theory]
    [InlineData("X/Y/Z plot")]
    [InlineData("x/y/z plot")]
    [InlineData("Prompt matrix")]
    [InlineData("Prompts from file or textbox")]
    [InlineData("loopback")]
    public async Task ScriptsThatRunMoreJobsThanTheRequestAreRefused(string script)
    {
        var body = Parsing.V2Body($$"""{"prompt":"x","script_name":"{{script}}","script_args":[1,"1-1000",[],0,"",[],0,"",[],true,true,false,false,0,false]}""");

        var message = Parsing.SingleError(await Parsing.V2(body), "task.content.script_name");

        Assert.Contains("bounds", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherSelectableScriptIsLeftToTheServer() =>
        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body("""{"prompt":"x","script_name":"SD upscale"}""")));

    [Theory]
    [InlineData(4096, 3072, true)]
    [InlineData(4097, 8, false)]
    [InlineData(8, 20000, false)]
    public async Task AnInlineInitImageMayBeTwiceTheLargestSide(int width, int height, bool accepted)
    {
        var body = Parsing.V2Body($$"""{"init_images":["{{Base64Png(width, height)}}"]}""", tasktype: "\"image-to-image\"");

        Parsing.AssertAcceptedOrRefused(await Parsing.V2(body), accepted, "task.content.init_images[0]", "at most 4096 pixels");
    }

    [Fact]
    public async Task AnInlineImageToUpscaleMayBeTheLargestSide()
    {
        var body = Parsing.V2Body($$"""{"image":"data:image/png;base64,{{Base64Png(2049, 64)}}","upscaling_resize":2}""", tasktype: "\"extra-single-image\"");

        var message = Parsing.SingleError(await Parsing.V2(body), "task.content.image");

        Assert.Contains("2049×64", message, StringComparison.Ordinal);
        Parsing.AssertValid(await Parsing.V2(Parsing.V2Body($$"""{"image":"{{Base64Png(2048, 64)}}","upscaling_resize":2}""", tasktype: "\"extra-single-image\"")));
    }

    /// <summary>A PNG of one repeated row: a few kilobytes however large it says it is.</summary>
    private static string Base64Png(int width, int height) =>
        Convert.ToBase64String(PngEncoder.Encode(width, height, 3, (_, row) => row.Clear()));
}
