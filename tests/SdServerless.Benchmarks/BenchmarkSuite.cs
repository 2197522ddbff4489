using SdServerless.Benchmarks.AwsPool;
using SdServerless.Benchmarks.Micro;
using SdServerless.Benchmarks.Scenarios;

namespace SdServerless.Benchmarks;

/// <summary>Runs the selected scenarios at full or quick size, each as often as asked, one after the other.</summary>
public static class BenchmarkSuite
{
    public const int SaturationGpus = 4;
    public const int MsPerImage = 200;

    public static async Task<BenchmarkReport> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        var report = new BenchmarkReport { Quick = options.Quick };
        var artifacts = Path.GetDirectoryName(Path.GetFullPath(options.Out))!;
        foreach (var scenario in options.Selected)
        {
            for (var run = 1; run <= options.Repeat; run++)
            {
                Console.WriteLine($"== {scenario}{(options.Repeat > 1 ? $" (run {run} of {options.Repeat})" : "")}, load average {BenchmarkReport.LoadAverage()}");
                var results = await RunScenarioAsync(scenario, options, artifacts, cancellationToken);
                foreach (var result in results)
                {
                    if (options.Repeat > 1)
                    {
                        result.Parameters["run"] = run.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    report.Results.Add(result);
                    Console.WriteLine(ReportWriter.Table([result]));
                }
            }
        }

        report.FinishedAt = DateTimeOffset.UtcNow;
        report.LoadAverageAtEnd = BenchmarkReport.LoadAverage();
        return report;
    }

    private static async Task<IReadOnlyList<ScenarioResult>> RunScenarioAsync(string scenario, RunOptions options, string artifacts, CancellationToken cancellationToken)
    {
        var quick = options.Quick;
        switch (scenario)
        {
            case "saturation":
                return [await SaturationScenario.RunAsync("saturation", new(SaturationGpus, quick ? 200 : 400, MsPerImage, WarmupTasks: 8, options.ImageSide, options.ImageSide, options.RequestsAhead, Path.Combine(artifacts, "saturation-timings.csv")), cancellationToken)];
            case "scaling":
                return await ScalingAsync(quick ? 20 : 50, options, artifacts, cancellationToken);
            case "affinity":
                return await AffinityAsync(new AffinityScenario.Settings(4, quick ? 80 : 200, MsPerImage, quick ? 300 : 500), cancellationToken);
            case "large-outputs":
                return [await LargeOutputScenario.RunAsync(new(quick ? 2 : 5), cancellationToken)];
            case "micro":
                return [MicroScenario.Run(quick, artifacts)];
            case "cold-start":
                return [await ColdStartScenario.RunAsync(quick ? 2 : 5, artifacts, cancellationToken)];
            case "interrupt":
                return [await InterruptScenario.RunAsync(new(Rounds: quick ? 2 : 5), cancellationToken)];
            case "aws-pool":
                return await AwsPoolScenario.RunAsync(AwsPoolSettings(quick) with { TimingsDirectory = artifacts, OneMoto = options.OneMoto }, cancellationToken);
            default:
                throw new ArgumentException($"unknown scenario '{scenario}'", nameof(scenario));
        }
    }

    /// <summary>
    /// One second per image and two per checkpoint load (real ones take several); the pool stays at zero for 60 s
    /// either way, the GPUs joining 0, 3, 6 and 10 s after it.
    /// </summary>
    private static AwsPoolScenario.Settings AwsPoolSettings(bool quick) => new(
        DelayMs: 1000,
        SwitchMs: 2000,
        ZeroPool: TimeSpan.FromSeconds(60),
        JoinOffsets: [TimeSpan.Zero, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10)],
        Run1Tasks: quick ? 100 : 200,
        TrickleTasks: quick ? 12 : 14);

    private static async Task<IReadOnlyList<ScenarioResult>> ScalingAsync(int tasksPerGpu, RunOptions options, string artifacts, CancellationToken cancellationToken)
    {
        var results = new List<ScenarioResult>();
        foreach (var gpus in new[] { 1, 2, 4, 8 })
        {
            var result = await SaturationScenario.RunAsync("scaling", new(gpus, tasksPerGpu * gpus, MsPerImage, WarmupTasks: 2 * gpus, options.ImageSide, options.ImageSide, options.RequestsAhead, Path.Combine(artifacts, $"scaling-{gpus}gpu-timings.csv")), cancellationToken);
            var single = results.Count > 0 ? results[0].Value("throughput") : result.Value("throughput");

            // Throughput relative to perfect proportionality from the 1-GPU run.
            var efficiency = result.Value("throughput") / (single * gpus) * 100;
            result.Add("scaling_efficiency", efficiency, "%");
            results.Add(result);
        }

        return results;
    }

    private static async Task<IReadOnlyList<ScenarioResult>> AffinityAsync(AffinityScenario.Settings settings, CancellationToken cancellationToken)
    {
        var off = await AffinityScenario.RunAsync(affinity: false, settings, cancellationToken);
        var on = await AffinityScenario.RunAsync(affinity: true, settings, cancellationToken);
        var ratio = on.Value("model_switches") / Math.Max(1, off.Value("model_switches"));
        on.Add("switches_vs_off", ratio * 100, "%", "≤ 25", ratio <= 0.25);
        return [off, on];
    }
}
