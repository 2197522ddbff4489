using System.Text.Json;

namespace SdServerless.UnitTests.Deployment;

/// <summary>
/// template.yaml as JSON, decoded by cfn-lint's own YAML decoder (which understands !Ref, !Sub, !GetAtt ...), so the
/// tests read the template exactly as the linter and CloudFormation do.
/// </summary>
internal static class SamTemplate
{
    private const string InstallHint = "install Python 3 and cfn-lint (python3 -m pip install cfn-lint)";

    private const string Decode = """
        import json, sys
        try:
            from cfnlint.decode import decode
        except ImportError:
            sys.exit("cfnlint is not importable: python3 -m pip install cfn-lint")
        template, problems = decode(sys.argv[1])
        if problems:
            sys.exit("\n".join(str(p) for p in problems))
        json.dump(template, sys.stdout, default=str)
        """;

    private static readonly Lazy<JsonElement> Template = new(Load);

    public static JsonElement Root => Template.Value;

    public static JsonElement Resource(string logicalId) =>
        Root.GetProperty("Resources").TryGetProperty(logicalId, out var resource)
            ? resource
            : throw new Xunit.Sdk.XunitException($"template.yaml has no resource {logicalId}.");

    public static JsonElement Properties(string logicalId) => Resource(logicalId).GetProperty("Properties");

    public static IEnumerable<(string LogicalId, JsonElement Resource)> ResourcesOfType(string type) =>
        Root.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("Type").GetString() == type)
            .Select(r => (r.Name, r.Value));

    private static JsonElement Load()
    {
        var result = ToolRunner.Run("python3", ["-c", Decode, RepositoryFiles.PathOf("template.yaml")], RepositoryFiles.Root, InstallHint);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Decoding template.yaml failed ({InstallHint}): {result.StandardError}");
        }

        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }
}
