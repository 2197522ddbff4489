using BenchmarkDotNet.Running;
using SdServerless.Benchmarks;
using SdServerless.Benchmarks.AwsPool;

// The emulator's and Kestrel's per-request log lines would cost more CPU than the control plane being measured.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");

var command = BenchmarkCommandLine.Create(new BenchmarkModes(
    Scenarios: (options, _) => RunScenariosAsync(options),
    // Any BenchmarkDotNet class of this assembly, with BenchmarkDotNet's own options:
    // dotnet run -c Release --project tests/SdServerless.Benchmarks -- bdn --filter '*Webhook*' --inProcess
    // (--inProcess: BenchmarkDotNet's generated out-of-process project failed to build on the development machine).
    BenchmarkDotNet: arguments =>
    {
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkSuite).Assembly).Run([.. arguments]);
        return 0;
    },
    // The child process of the large-outputs scenario (the emulator's memory kept out of the measured process).
    EmulatorServer: SdWebUiEmulator.RunAsync,
    // One emulated GPU server of the aws-pool scenario, in its own process.
    PoolGpu: (options, _) => GpuServer.RunAsync(options)));
return await CommandLineParsing.InvokeAsync(command, args);

static async Task<int> RunScenariosAsync(RunOptions options)
{
    using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };

    BenchmarkReport report;
    try
    {
        report = await BenchmarkSuite.RunAsync(options, cancel.Token);
    }
    finally
    {
        BenchmarkHost.DeleteDataDirectories();
    }

    Console.WriteLine();
    Console.WriteLine(ReportWriter.Table(report.Results));
    foreach (var result in report.Results.Where(r => r.Notes.Count > 0))
    {
        foreach (var note in result.Notes)
        {
            Console.WriteLine($"note ({result.Scenario}, {result.Variant}): {note}");
        }
    }

    await ReportWriter.WriteJsonAsync(report, options.Out);
    Console.WriteLine($"machine: {report.ProcessorCount} cores, load average {report.LoadAverageAtStart} at start, {report.LoadAverageAtEnd} at end");
    Console.WriteLine($"figures written to {Path.GetFullPath(options.Out)}");
    return 0;
}
