using System.Diagnostics;
using SdServerless.Benchmarks.Scenarios;

namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// The Native AOT <c>bootstrap</c> that Lambda runs, published once per process into artifacts/publish/lambda-aot
/// (about a minute) and reused by later runs while no source under src/ is newer than it. The aws-pool benchmark and
/// the integration tests run it; the cold-start scenario finds it there too.
/// </summary>
public static class PublishedBootstrap
{
    public const string RuntimeIdentifier = "linux-x64";

    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    public static string Directory => Path.Combine(Root, "artifacts", "publish", "lambda-aot");

    public static Task<string> PathAsync() => Published.Value;

    private static string Root => ColdStartScenario.RepositoryRoot();

    private static async Task<string> PublishAsync()
    {
        var bootstrap = Path.Combine(Directory, "bootstrap");
        if (File.Exists(bootstrap) && File.GetLastWriteTimeUtc(bootstrap) > NewestSourceWrite())
        {
            return bootstrap;
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var argument in new[]
        {
            "publish", Path.Combine("src", "SdServerless.Lambda", "SdServerless.Lambda.csproj"),
            "-c", "Release", "-r", RuntimeIdentifier, "-o", Directory,
            "-nodeReuse:false", "-p:UseSharedCompilation=false",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !File.Exists(bootstrap))
        {
            throw new InvalidOperationException($"dotnet publish of the bootstrap failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }

        // Touch it: an up-to-date publish leaves the old time, which must still count as newer than the sources.
        File.SetLastWriteTimeUtc(bootstrap, DateTime.UtcNow);
        return bootstrap;
    }

    private static DateTime NewestSourceWrite()
    {
        var root = Root;
        var sources = System.IO.Directory.EnumerateFiles(Path.Combine(root, "src"), "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(System.IO.Directory.EnumerateFiles(root, "Directory.*.props"));
        return sources.Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MaxValue).Max();
    }
}
