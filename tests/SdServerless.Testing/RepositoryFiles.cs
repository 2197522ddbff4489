namespace SdServerless.Testing;

/// <summary>Finds files at the repository root (where template.yaml sits) from the test's output directory.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SdServerless.sln")) && File.Exists(Path.Combine(directory.FullName, "template.yaml")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SdServerless.sln with a template.yaml above {AppContext.BaseDirectory}.");
    }
}
