using System.Diagnostics;
using SdServerless.Benchmarks.Scenarios;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// The Lambda project's program, as each simulated environment runs it: <c>SDSERVERLESS_BENCH_LAMBDA</c> when set (the
/// published Native AOT <c>bootstrap</c>, or a <c>bootstrap.dll</c>), else the JIT build of src/SdServerless.Lambda made
/// with this benchmark (same configuration) and started as <c>dotnet bootstrap.dll</c>.
/// </summary>
public static class LambdaProgram
{
    public const string Variable = "SDSERVERLESS_BENCH_LAMBDA";

    public static string Path => System.Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : BuiltDll();

    public static ProcessStartInfo StartInfo()
    {
        var path = Path;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the Lambda program is not at {path}: build src/SdServerless.Lambda or set {Variable}");
        }

        if (!path.EndsWith(".dll", StringComparison.Ordinal))
        {
            return ChildProcess.CleanStart(path);
        }

        var start = ChildProcess.CleanStart("dotnet");
        start.ArgumentList.Add(path);
        return start;
    }

    /// <summary>
    /// A project's build output in the configuration and framework this code runs from (the benchmark's own
    /// bin/&lt;configuration&gt;/&lt;framework&gt;/, or a test project's that references it).
    /// </summary>
    public static string BuiltDll(string folder, string project, string assembly)
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        return System.IO.Path.Combine(ColdStartScenario.RepositoryRoot(), folder, project, "bin", configuration, framework.Name, assembly + ".dll");
    }

    private static string BuiltDll() => BuiltDll("src", "SdServerless.Lambda", "bootstrap");
}
