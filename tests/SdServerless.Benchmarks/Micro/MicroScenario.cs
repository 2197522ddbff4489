using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SdServerless.Benchmarks.Micro;

/// <summary>
/// Runs <see cref="ControlPlaneBenchmarks"/> with BenchmarkDotNet in this process (the in-process toolchain: building a
/// separate benchmark project would take minutes on the 2-core machine) and turns its summary into figures.
/// </summary>
public static class MicroScenario
{
    public static ScenarioResult Run(bool quick, string artifactsDirectory)
    {
        var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(Path.Combine(artifactsDirectory, "BenchmarkDotNet"));
        var summary = BenchmarkRunner.Run<ControlPlaneBenchmarks>(config);

        var result = new ScenarioResult("micro", quick ? "ShortRun, in-process" : "Default job, in-process");
        foreach (var report in summary.Reports)
        {
            var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            if (report.ResultStatistics is not { } statistics)
            {
                result.Notes.Add($"{name}: no result ({string.Join("; ", report.ExecuteResults.SelectMany(r => r.Results).Take(3))})");
                continue;
            }

            result.Add(name + "_mean", statistics.Mean / 1000, "µs");
            result.Add(name + "_stddev", statistics.StandardDeviation / 1000, "µs");
            if (report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } allocated)
            {
                result.Add(name + "_allocated", allocated, "B/op");
            }
        }

        return result;
    }
}
