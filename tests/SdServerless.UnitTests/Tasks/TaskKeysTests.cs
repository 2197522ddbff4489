namespace SdServerless.UnitTests.Tasks;

/// <summary>Which keys are a task's published result.json: the one rule the callback function and the local host share.</summary>
public sealed class TaskKeysTests
{
    [Theory]
    [InlineData("output/t1/result.json", true)]
    [InlineData("sd15/out/t1/result.json", true)]
    [InlineData("_sdserverless/tasks/t1/attempts/a1/result.json", false)]
    [InlineData("output/t1/t1-1.png", false)]
    [InlineData("output/t1/result.json.done", false)]
    [InlineData("result.json", false)]
    public void APublishedResultIsAResultJsonOutsideTheReservedFolder(string key, bool isTaskResult) =>
        Assert.Equal(isTaskResult, TaskKeys.IsTaskResult(key));
}
