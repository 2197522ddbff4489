namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>Where the executables the tests start were built (same configuration as the tests themselves).</summary>
public static class BuildOutput
{
    private static readonly string RepositoryRoot = FindRoot();

    public static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string LocalHostDll => Dll("src", "SdServerless.Local");

    public static string TestProbeDll => Dll("tests", "SdServerless.TestProbe");

    public static string Root => RepositoryRoot;

    private static string Dll(string folder, string project)
    {
        var path = Path.Combine(RepositoryRoot, folder, project, "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{project} is not built at {path}: build the solution first (dotnet build SdServerless.sln -c {Configuration})");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SdServerless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("SdServerless.sln not found above " + AppContext.BaseDirectory);
    }
}
