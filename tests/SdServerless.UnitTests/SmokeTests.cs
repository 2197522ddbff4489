namespace SdServerless.UnitTests;

public class TaskKeysTests
{
    [Fact]
    public void OutputsAreNumberedUnderPrefixAndId() =>
        Assert.Equal("output/t1/t1-2.png", TaskKeys.Output("output", "t1", 2, "png"));
}
