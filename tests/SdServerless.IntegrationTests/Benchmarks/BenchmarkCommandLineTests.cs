using System.Text.RegularExpressions;
using SdServerless.Benchmarks;
using SdServerless.Benchmarks.AwsPool;
using SdServerless.Benchmarks.Harness;

namespace SdServerless.IntegrationTests.Benchmarks;

/// <summary>The benchmark program's command line (docs/performance.md): scenarios, bdn, and its two child-process modes.</summary>
[Trait("Category", "Integration")]
public sealed partial class BenchmarkCommandLineTests
{
    private readonly List<object> _ran = [];

    [Fact]
    public async Task ScenariosAndTheirOptionsReachTheRun()
    {
        Assert.Equal(0, await InvokeAsync("saturation", "--repeat", "3", "scaling", "--quick", "--requests-ahead", "0", "--image-side", "64", "--one-moto", "--out", "/tmp/f.json"));

        var options = Assert.IsType<RunOptions>(Assert.Single(_ran));
        Assert.Equal(["saturation", "scaling"], options.Selected);
        Assert.Equal((true, 3, 0, 64, true, "/tmp/f.json"), (options.Quick, options.Repeat, options.RequestsAhead, options.ImageSide, options.OneMoto, options.Out));
    }

    [Fact]
    public async Task AllRunsEveryScenarioInOrderWithTheDefaults()
    {
        Assert.Equal(0, await InvokeAsync("all"));

        var options = Assert.IsType<RunOptions>(Assert.Single(_ran));
        Assert.Equal(RunOptions.Scenarios, options.Selected);
        Assert.Equal((false, 1, (int?)null, 512, false, RunOptions.DefaultOut), (options.Quick, options.Repeat, options.RequestsAhead, options.ImageSide, options.OneMoto, options.Out));
    }

    [Theory]
    [InlineData("", "error: Name a scenario or all.")]
    [InlineData("saturation --repeat 0", "error: Option --repeat has an invalid value '0'")]
    [InlineData("saturation --image-side 100", "error: Option --image-side has an invalid value '100': it takes a multiple of 8 of at least 64.")]
    [InlineData("saturation --requests-ahead -1", "error: Option --requests-ahead has an invalid value '-1'")]
    [InlineData("saturation --out", "error: Option --out needs a value.")]
    [InlineData("saturation --bogus", "error: Unknown option --bogus.")]
    [InlineData("fastest", "error: Unknown scenario 'fastest'")]
    [InlineData("saturation bdn --list", "error: bdn must come first")]
    [InlineData("--quick pool-gpu", "error: pool-gpu must come first")]
    [InlineData("pool-gpu --urls http://127.0.0.1:1", "error: Option '--runtime' is required.")]
    [InlineData("emulator-server --emulator-workers 0", "error: Option --emulator-workers has an invalid value '0'")]
    public async Task ABadCommandLineIsNamedAndRunsNothing(string args, string message)
    {
        using var error = new StringWriter();

        Assert.Equal(CommandLineParsing.UsageExitCode, await InvokeAsync(args.Split(' ', StringSplitOptions.RemoveEmptyEntries), error: error));

        Assert.Empty(_ran);
        Assert.StartsWith(message, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Usage:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpListsTheScenariosTheOptionsAndTheModesOfTheDocs()
    {
        using var output = new StringWriter();

        Assert.Equal(0, await InvokeAsync(["--help"], output));

        Assert.Empty(_ran);
        var help = output.ToString();
        var docs = File.ReadAllText(Path.Combine(BuildOutput.Root, "docs", "performance.md"));
        var commands = docs[..docs.IndexOf("```", docs.IndexOf("```", StringComparison.Ordinal) + 3, StringComparison.Ordinal)];
        var documented = DocumentedOption().Matches(commands).Select(match => match.Value).Where(name => name is not "--project" and not "--filter" and not "--inProcess").ToHashSet();
        Assert.Equal(["--image-side", "--one-moto", "--out", "--quick", "--repeat", "--requests-ahead"], documented.Order());
        Assert.All(documented, name => Assert.Contains(name, help, StringComparison.Ordinal));
        Assert.All(RunOptions.Scenarios, name => Assert.Contains(name, docs, StringComparison.Ordinal));
        Assert.All([.. RunOptions.Scenarios, "bdn", "emulator-server", "pool-gpu"], name => Assert.Contains(name, help, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BdnHandsEveryLaterArgumentToBenchmarkDotNetUntouched()
    {
        string[] forBenchmarkDotNet = ["--filter", "*Webhook*", "--inProcess", "--help", "-h", "--out", "--", "@file", "--quick=1"];

        Assert.Equal(0, await InvokeAsync(["bdn", .. forBenchmarkDotNet]));

        Assert.Equal(forBenchmarkDotNet, Assert.IsAssignableFrom<IReadOnlyList<string>>(Assert.Single(_ran)));
    }

    [Fact]
    public async Task APoolGpuCommandLineCarriesItsServerOptionsToTheChild()
    {
        var sent = new GpuServerOptions("http://127.0.0.1:1", "sdruntime", ["a.safetensors", "b.ckpt"], 200, 50, "pool", "http://127.0.0.1:2");

        Assert.Equal(0, await InvokeAsync([GpuServer.Mode, .. sent.ToArguments()]));

        var received = Assert.IsType<GpuServerOptions>(Assert.Single(_ran));
        Assert.Equal(sent with { Models = [] }, received with { Models = [] });
        Assert.Equal(sent.Models, received.Models);
    }

    [Fact]
    public async Task TheEmulatorServerModeTakesTheEmulatorsOptions()
    {
        Assert.Equal(0, await InvokeAsync(BenchmarkCommandLine.EmulatorServerMode, "--urls", "http://127.0.0.1:3", "--emulator-workers", "2", "--emulator-delay-ms", "5", "--emulator-noise-bits", "1"));

        var (options, url) = Assert.IsType<(EmulatorOptions, string)>(Assert.Single(_ran));
        Assert.Equal(("http://127.0.0.1:3", 2, TimeSpan.FromMilliseconds(5), 1), (url, options.Workers, options.DelayPerImage, options.ImageNoiseBits));
    }

    [Fact]
    public async Task TheProgramsHelpExitsZero()
    {
        using var process = Process.Start(Start("--help"))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("emulator-server", await output, StringComparison.Ordinal);
        Assert.Empty(await error);
    }

    [Fact]
    public async Task TheEmulatorServerChildProcessAnswers()
    {
        // The large-outputs scenario's own arguments, on this build of the program.
        var url = $"http://127.0.0.1:{LoopbackPort.Next()}";
        using var process = Process.Start(Start([.. EmulatorProcess.Arguments(url, workers: 1, delayMs: 0, noiseBits: 1)]))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? models = null;
            for (var attempt = 0; attempt < 300 && models is null && !process.HasExited; attempt++)
            {
                try
                {
                    models = await http.GetStringAsync(new Uri(url + "/sdapi/v1/sd-models"));
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.False(process.HasExited, "the emulator-server process exited");
            Assert.Contains(EmulatorOptions.DefaultModel, models, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(BuildOutput.Root, "tests", "SdServerless.Benchmarks", "bin", BuildOutput.Configuration, "net10.0", "SdServerless.Benchmarks.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return start;
    }

    private Task<int> InvokeAsync(params string[] args) => InvokeAsync(args, null, null);

    private async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var command = BenchmarkCommandLine.Create(new BenchmarkModes(
            Scenarios: (options, _) => Ran(options),
            BenchmarkDotNet: arguments =>
            {
                _ran.Add(arguments);
                return 0;
            },
            EmulatorServer: (options, url, _) => Ran((options, url)),
            PoolGpu: (options, _) => Ran(options)));
        return await CommandLineParsing.InvokeAsync(command, args, output ?? TextWriter.Null, error ?? TextWriter.Null);
    }

    private Task<int> Ran(object what)
    {
        _ran.Add(what);
        return Task.FromResult(0);
    }

    [GeneratedRegex("--[a-zA-Z-]+")]
    private static partial Regex DocumentedOption();
}
