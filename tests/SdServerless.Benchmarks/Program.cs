using BenchmarkDotNet.Running;
using SdServerless.Benchmarks;
using SdServerless.Benchmarks.AwsPool;
using SdServerless.Benchmarks.Harness;
using SdServerless.Emulator;

// The emulator's and Kestrel's per-request log lines would cost more CPU than the control plane being measured.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");

if (args.Length > 0 && args[0] == "emulator-server")
{
    // The child process of the large-outputs scenario (the emulator's memory kept out of the measured process).
    return await SdWebUiEmulator.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == GpuServer.Mode)
{
    // One emulated GPU server of the aws-pool scenario, in its own process.
    return await GpuServer.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "bdn")
{
    // Any BenchmarkDotNet class of this assembly, with BenchmarkDotNet's own options:
    // dotnet run -c Release --project tests/SdServerless.Benchmarks -- bdn --filter '*Webhook*' --inProcess
    // (--inProcess: BenchmarkDotNet's generated out-of-process project failed to build on the development machine).
    BenchmarkSwitcher.FromAssembly(typeof(BenchmarkSuite).Assembly).Run(args[1..]);
    return 0;
}

var options = RunOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(RunOptions.Usage);
    return 2;
}

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
