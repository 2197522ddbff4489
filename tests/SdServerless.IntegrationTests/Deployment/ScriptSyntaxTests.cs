namespace SdServerless.IntegrationTests.Deployment;

[Trait("Category", "Integration")]
public class ScriptSyntaxTests
{
    [Theory]
    [InlineData("scripts/pool-node.sh")]
    [InlineData("scripts/sdwebui-install.sh")]
    [InlineData("scripts/bake-ami.sh")]
    public void DeploymentScriptsAreValidBash(string script)
    {
        var result = ToolRunner.Run("bash", ["-n", RepositoryFiles.PathOf(script)], RepositoryFiles.Root, "install bash");

        Assert.True(result.ExitCode == 0, $"{script}: {result.StandardError}");
    }
}
