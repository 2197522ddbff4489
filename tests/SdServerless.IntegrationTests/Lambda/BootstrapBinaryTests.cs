using System.Text.RegularExpressions;
using SdServerless.Benchmarks.Harness;

namespace SdServerless.IntegrationTests.Lambda;

/// <summary>The published bootstrap runs on Amazon Linux 2023 (glibc 2.34): no symbol may need a newer glibc.</summary>
[Trait("Category", "Integration")]
public sealed partial class BootstrapBinaryTests
{
    private static readonly Version NewestAllowed = new(2, 34);

    [Fact]
    public async Task BootstrapNeedsNoGlibcNewerThan234()
    {
        var bootstrap = await PublishedBootstrap.PathAsync();

        var symbols = await RunAsync("objdump", "-T", bootstrap);

        var versions = GlibcVersion().Matches(symbols).Select(m => Version.Parse(m.Groups[1].Value)).Distinct().ToList();
        Assert.NotEmpty(versions);
        Assert.All(versions, version => Assert.True(version <= NewestAllowed, $"bootstrap needs GLIBC_{version}"));
    }

    [Fact]
    public async Task BootstrapIsAStrippedNativeExecutable()
    {
        var bootstrap = await PublishedBootstrap.PathAsync();

        var sections = await RunAsync("objdump", "-h", bootstrap);

        Assert.Contains("elf64-x86-64", sections);
        Assert.Contains(".interp", sections);
        Assert.DoesNotContain(".symtab", sections);
        Assert.True(OperatingSystem.IsLinux() && File.GetUnixFileMode(bootstrap).HasFlag(UnixFileMode.UserExecute));
        Assert.False(File.Exists(Path.ChangeExtension(bootstrap, ".dll")), "a managed bootstrap.dll next to it means it was not AOT-compiled");
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed: apt-get install binutils", e);
        }

        using (process)
        {
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            return output;
        }
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}
