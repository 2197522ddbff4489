namespace SdServerless.IntegrationTests.Deployment;

[Trait("Category", "Integration")]
public class CfnLintTests
{
    [Fact]
    public void TemplatePassesCfnLintWithoutErrorsOrWarnings()
    {
        var result = ToolRunner.Run("cfn-lint", ["template.yaml"], RepositoryFiles.Root, "python3 -m pip install cfn-lint");

        Assert.True(
            result.ExitCode == 0 && result.StandardOutput.Length == 0 && result.StandardError.Length == 0,
            $"cfn-lint exited {result.ExitCode}:\n{result.StandardOutput}{result.StandardError}");
    }
}
