using System.Text.RegularExpressions;
using SdServerless.Emulator;

namespace SdServerless.UnitTests.Emulator;

/// <summary>The emulator's own command line (the local host's --emulator-only mode, docs/emulator.md).</summary>
public sealed partial class EmulatorCommandLineTests
{
    [Fact]
    public async Task HelpListsTheOptionsOfTheDocsAndExitsZero()
    {
        var (exitCode, output, error, ran) = await InvokeAsync("--emulator-only", "--help");

        Assert.Equal(0, exitCode);
        Assert.Null(ran);
        Assert.Empty(error);
        var docs = File.ReadAllText(RepositoryFiles.PathOf("docs/emulator.md"));
        var start = docs.IndexOf("## Running it", StringComparison.Ordinal);
        var running = docs[start..docs.IndexOf("\n## ", start, StringComparison.Ordinal)];
        var documented = DocumentedOption().Matches(running).Select(match => match.Groups[1].Value).ToHashSet();
        Assert.Contains("--emulator-noise-bits", documented);
        Assert.All(documented.Where(name => name is not "--sdwebui" and not "--emulator-only"), name => Assert.Contains(name, output, StringComparison.Ordinal));
        Assert.Contains("--emulator-models, --models <A,B>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--emulator-only", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownOptionExitsWithTwoBeforeTheEmulatorStarts()
    {
        var (exitCode, output, error, ran) = await InvokeAsync("--emulator-workers", "2", "--frobnicate");

        Assert.Equal(CommandLineParsing.UsageExitCode, exitCode);
        Assert.Null(ran);
        Assert.Empty(output);
        Assert.StartsWith("error: Unknown option --frobnicate.", error, StringComparison.Ordinal);
        Assert.Contains("--emulator-noise-bits", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGoodCommandLineStartsTheEmulatorWithItsOptions()
    {
        var (exitCode, _, _, ran) = await InvokeAsync("--emulator-only", "--urls=http://127.0.0.1:1", "--api-auth", "a:b", "--emulator-workers", "1", "--emulator-workers", "3");

        Assert.Equal(0, exitCode);
        Assert.Equal(("http://127.0.0.1:1", 3, "a:b"), (ran!.Value.Url, ran.Value.Options.Workers, ran.Value.Options.ApiAuth));
    }

    [Theory]
    [InlineData("--emulator-delay-ms", "Infinity")]
    [InlineData("--model-switch-ms", "-1")]
    [InlineData("--models", " , ")]
    public void ValuesTheEmulatorCannotUseAreRefused(string name, string value)
    {
        Assert.False(EmulatorCommandLine.TryParse([name, value], out _, out _, out var error));
        Assert.Contains($"Option {name} has an invalid value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnApiAuthWithoutAValueIsNamedWithoutEchoingTheNextArgument()
    {
        Assert.False(EmulatorCommandLine.TryParse(["--api-auth", "--user:s3cret"], out _, out _, out var error));
        Assert.Equal("Option --api-auth needs a value.", error);
    }

    private static async Task<(int ExitCode, string Output, string Error, (EmulatorOptions Options, string Url)? Ran)> InvokeAsync(params string[] args)
    {
        (EmulatorOptions, string)? ran = null;
        var commandLine = EmulatorCommandLine.CreateRoot((options, url, _) =>
        {
            ran = (options, url);
            return Task.FromResult(0);
        });
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLineParsing.InvokeAsync(commandLine.Command, args, output, error);
        return (exitCode, output.ToString(), error.ToString(), ran);
    }

    [GeneratedRegex(@"`(--[a-z-]+)")]
    private static partial Regex DocumentedOption();
}
