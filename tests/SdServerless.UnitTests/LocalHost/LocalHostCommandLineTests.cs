using System.Text.RegularExpressions;
using SdServerless.Emulator;
using SdServerless.Local.Hosting;

namespace SdServerless.UnitTests.LocalHost;

/// <summary>The local host's command line: README's "Local host options", one parsing style, --help from the options.</summary>
public sealed partial class LocalHostCommandLineTests
{
    [Fact]
    public void EveryOptionReachesTheHostsOptions()
    {
        var runtimes = Path.GetTempFileName();
        try
        {
            var options = Parse(
                "--urls", "http://0.0.0.0:9000", "--data=/tmp/d", "--bucket", "my.bucket-1", "--runtimes", runtimes,
                "--emulator-workers", "3", "--emulator-delay-ms", "25", "--emulator-model-switch-ms", "0",
                "--webhook-url", "https://example.com/hook", "--webhook-secret", "whsec_abc", "--webhook-attempts", "2",
                "--allow-private-network", "--api-key", "k", "--queue-depth-limit", "0", "--max-attempts", "1",
                "--task-timeout-seconds", "9", "--queueing-deadline-seconds", "10", "--no-dispatch");

            Assert.Equal(
                ("http://0.0.0.0:9000", "/tmp/d", "my.bucket-1", runtimes, 3, 25, 0),
                (options.Urls, options.DataDirectory, options.Bucket, options.RuntimesFile, options.EmulatorWorkers, options.EmulatorDelayMs, options.EmulatorModelSwitchMs));
            Assert.Equal(
                ("https://example.com/hook", "whsec_abc", 2, true, "k", 0L, 1, 9, 10, true),
                (options.WebhookUrl, options.WebhookSecret, options.WebhookAttempts, options.AllowPrivateNetwork, options.ApiKey, options.QueueDepthLimit,
                 options.MaxAttempts, options.TaskTimeoutSeconds, options.QueueingDeadlineSeconds, options.NoDispatch));
        }
        finally
        {
            File.Delete(runtimes);
        }
    }

    [Fact]
    public void WithoutOptionsTheReadmesDefaultsApply()
    {
        var options = Parse();
        var defaults = new LocalHostOptions();

        Assert.Equal(
            ("http://127.0.0.1:8080", "./.sdserverless", "outputbucket", 1, 0, 2000, 6, 2000L, 5, 600, 3600),
            (options.Urls, options.DataDirectory, options.Bucket, options.EmulatorWorkers, options.EmulatorDelayMs, options.EmulatorModelSwitchMs,
             options.WebhookAttempts, options.QueueDepthLimit, options.MaxAttempts, options.TaskTimeoutSeconds, options.QueueingDeadlineSeconds));
        Assert.Equal(defaults.QueueDepthLimit, options.QueueDepthLimit);
        Assert.Empty(options.SdWebUiEndpoints);
        Assert.Null(options.RuntimesFile);
        Assert.Null(options.WebhookSecret);
        Assert.False(options.AllowPrivateNetwork || options.NoDispatch);
    }

    [Fact]
    public void SdWebUiRepeatsAndAnyOtherOptionKeepsItsLastValue()
    {
        var options = Parse("--sdwebui", "http://a:7860/", "--urls", "http://127.0.0.1:1", "--sdwebui=https://b", "--urls", "http://127.0.0.1:2");

        Assert.Equal(["http://a:7860", "https://b"], options.SdWebUiEndpoints);
        Assert.Equal("http://127.0.0.1:2", options.Urls);
    }

    [Theory]
    [InlineData("--emulator-workers 0", "Option --emulator-workers has an invalid value '0': it takes a whole number of at least 1.")]
    [InlineData("--emulator-delay-ms -5", "Option --emulator-delay-ms has an invalid value '-5'")]
    [InlineData("--queue-depth-limit +3", "Option --queue-depth-limit has an invalid value '+3'")]
    [InlineData("--max-attempts 2.5", "Option --max-attempts has an invalid value '2.5'")]
    [InlineData("--sdwebui ftp://x", "Option --sdwebui has an invalid value 'ftp://x': it takes an http(s) URL.")]
    [InlineData("--webhook-url not-a-url", "Option --webhook-url has an invalid value 'not-a-url'")]
    [InlineData("--bucket Upper", "Option --bucket has an invalid value 'Upper'")]
    [InlineData("--runtimes /no/such/file.json", "Option --runtimes has an invalid value '/no/such/file.json': it takes an existing file.")]
    [InlineData("--frobnicate", "Unknown option --frobnicate.")]
    [InlineData("extra", "Unexpected argument 'extra'.")]
    [InlineData("--sdwebui http://a --runtimes /", "--sdwebui and --runtimes both name the pool: use one.")]
    [InlineData("--urls", "Option --urls needs a value.")]
    [InlineData("--api-key --no-dispatch", "Option --api-key needs a value.")]
    public void ABadArgumentIsNamed(string args, string message)
    {
        LocalHostOptionsParser.Parse(args.Split(' '), out var errors);

        Assert.Contains(errors, error => error.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryProblemIsReportedTogether()
    {
        LocalHostOptionsParser.Parse(["--emulator-workers", "zero", "--frobnicate", "--sdwebui", "not a url"], out var errors);

        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public async Task HelpListsTheOptionsOfTheReadmeWithTheirDefaultsAndExitsZero()
    {
        var (exitCode, output, error, ran) = await InvokeAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.False(ran);
        Assert.Empty(error);
        var readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));
        var table = readme[readme.IndexOf("### Local host options", StringComparison.Ordinal)..readme.IndexOf("### The page", StringComparison.Ordinal)];
        var documented = TableOption().Matches(table).Select(match => match.Groups[1].Value).ToHashSet();
        var listed = HelpOption().Matches(output).Select(match => match.Groups[1].Value).Where(name => name != "--help").ToHashSet();
        Assert.True(documented.Count > 15, table);
        Assert.Equal(documented.Order(), listed.Order());
        Assert.Contains("[default: 2000]", output.Split('\n').Single(line => line.Contains("--queue-depth-limit", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownOptionExitsWithTwoBeforeAnythingRuns()
    {
        var (exitCode, output, error, ran) = await InvokeAsync("--no-dispatch", "--bogus");

        Assert.Equal(CommandLineParsing.UsageExitCode, exitCode);
        Assert.False(ran);
        Assert.Empty(output);
        Assert.StartsWith("error: Unknown option --bogus.", error, StringComparison.Ordinal);
        Assert.Contains("--allow-private-network", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGoodCommandLineRunsTheHostWithItsOptions()
    {
        LocalHostOptions? seen = null;
        var command = LocalHostOptionsParser.CreateCommand((options, _) =>
        {
            seen = options;
            return Task.FromResult(7);
        });

        Assert.Equal(7, await CommandLineParsing.InvokeAsync(command, ["--no-dispatch", "--api-key", "s3cret"], TextWriter.Null, TextWriter.Null));
        Assert.Equal((true, "s3cret"), (seen!.NoDispatch, seen.ApiKey));
    }

    [Fact]
    public void AMissingApiKeyIsNamedWithoutEchoingTheNextArgument()
    {
        LocalHostOptionsParser.Parse(["--api-key", "--s3cret"], out var errors);

        Assert.Equal(["Option --api-key needs a value."], errors);
    }

    private static LocalHostOptions Parse(params string[] args)
    {
        var options = LocalHostOptionsParser.Parse(args, out var errors);
        Assert.Empty(errors);
        return options;
    }

    private static async Task<(int ExitCode, string Output, string Error, bool Ran)> InvokeAsync(params string[] args)
    {
        var ran = false;
        var command = LocalHostOptionsParser.CreateCommand((_, _) =>
        {
            ran = true;
            return Task.FromResult(0);
        });
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLineParsing.InvokeAsync(command, args, output, error);
        return (exitCode, output.ToString(), error.ToString(), ran);
    }

    [GeneratedRegex(@"^\| `(--[a-z-]+)", RegexOptions.Multiline)]
    private static partial Regex TableOption();

    [GeneratedRegex(@"^\s+(?:-\S+, )*(--[a-z-]+)", RegexOptions.Multiline)]
    private static partial Regex HelpOption();
}
