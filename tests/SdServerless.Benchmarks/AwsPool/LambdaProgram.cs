using System.Diagnostics;
using SdServerless.Benchmarks.Scenarios;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// The Lambda project's program, as each simulated environment runs it: <c>SDSERVERLESS_BENCH_LAMBDA</c> when set (a
/// Native AOT <c>bootstrap</c>, or a JIT <c>bootstrap.dll</c> started as <c>dotnet bootstrap.dll</c>), else the Native
/// AOT <c>bootstrap</c> published from this tree (<see cref="PublishedBootstrap"/>), as Lambda runs it. A JIT build
/// is not a fair stand-in: a dozen environments compiling their code at once load this 2-core machine several times
/// over and slow every call the benchmark measures.
/// </summary>
public static class LambdaProgram
{
    public const string Variable = "SDSERVERLESS_BENCH_LAMBDA";

    /// <summary>The program's path; publishes the bootstrap first when it is out of date.</summary>
    public static async Task<string> PathAsync() =>
        System.Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : await PublishedBootstrap.PathAsync();

    public static ProcessStartInfo StartInfo(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the Lambda program is not at {path}: unset {Variable} to publish it from this tree");
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
}
