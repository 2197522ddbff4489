namespace SdServerless.IntegrationTests.Deployment;

/// <summary>
/// template.yaml as written (<see cref="Source"/>) and after the SAM transform (<see cref="Transformed"/>: what
/// CloudFormation creates), both read by cfn-lint's own decoder and bundled SAM translator (sam_transform.py).
/// Invariants about what gets deployed are checked on the transformed template, where SAM's generated roles,
/// managed policies and API paths are visible.
/// </summary>
internal static class SamTemplate
{
    private const string InstallHint = "install Python 3 and cfn-lint (python3 -m pip install cfn-lint)";

    private static readonly Lazy<CfnTemplate> SourceTemplate = new(() => Load("--source"));

    private static readonly Lazy<CfnTemplate> TransformedTemplate = new(() => Load("--transformed"));

    public static CfnTemplate Source => SourceTemplate.Value;

    public static CfnTemplate Transformed => TransformedTemplate.Value;

    private static CfnTemplate Load(string mode)
    {
        var script = RepositoryFiles.PathOf(Path.Combine("tests", "SdServerless.IntegrationTests", "Deployment", "sam_transform.py"));
        var result = ToolRunner.Run("python3", [script, mode, RepositoryFiles.PathOf("template.yaml")], RepositoryFiles.Root, InstallHint);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Reading template.yaml ({mode}) failed ({InstallHint}): {result.StandardError}");
        }

        using var document = JsonDocument.Parse(result.StandardOutput);
        return new CfnTemplate(document.RootElement.Clone());
    }
}
