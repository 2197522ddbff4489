namespace SdServerless.UnitTests.Tasks;

/// <summary>Fields that change what a job renders are bounded by what it really renders, not only width and height.</summary>
public class RenderedSizeBoundsTests
{
    [Theory]
    [InlineData("\"width\":1024,\"height\":1024,\"enable_hr\":true,\"hr_scale\":4", "task.content.hr_scale")]
    [InlineData("\"enable_hr\":true,\"hr_scale\":100", "task.content.hr_scale")]
    [InlineData("\"enable_hr\":true,\"hr_resize_x\":20000,\"hr_resize_y\":512", "task.content.hr_resize_x")]
    [InlineData("\"enable_hr\":true,\"hr_resize_y\":99999", "task.content.hr_resize_y")]
    [InlineData("\"enable_hr\":true,\"hr_second_pass_steps\":100000", "task.content.hr_second_pass_steps")]
    [InlineData("\"upscaling_resize\":64", "task.content.upscaling_resize")]
    [InlineData("\"upscaling_resize_w\":100000", "task.content.upscaling_resize_w")]
    public async Task ABypassOfTheSizeOrStepBoundsIsRefusedWithItsFieldNamed(string fields, string field)
    {
        var result = await Parsing.V2(Parsing.V2Body("{\"prompt\":\"p\"," + fields + "}"));

        Assert.Contains(field, result.Errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("\"width\":1024,\"height\":1024,\"enable_hr\":true,\"hr_scale\":2")]
    [InlineData("\"enable_hr\":true,\"hr_scale\":100,\"hr_resize_x\":1024,\"hr_resize_y\":1024")]
    [InlineData("\"enable_hr\":true,\"hr_second_pass_steps\":0")]
    [InlineData("\"upscaling_resize\":4")]
    public async Task RendersWithinTheBoundsAreAccepted(string fields)
    {
        var result = await Parsing.V2(Parsing.V2Body("{\"prompt\":\"p\"," + fields + "}"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}")));
    }
}
