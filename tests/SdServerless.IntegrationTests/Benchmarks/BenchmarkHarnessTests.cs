using SdServerless.Benchmarks.Harness;
using SdServerless.Benchmarks.Scenarios;

namespace SdServerless.IntegrationTests.Benchmarks;

/// <summary>
/// The benchmark harness runs end to end on tiny numbers and computes sane figures. These tests hold no performance
/// goal: the goals are checked in the benchmark's own output (docs/performance.md).
/// </summary>
[Trait("Category", "Integration")]
public sealed class BenchmarkHarnessTests : IDisposable
{
    // The harness keeps its hosts' data directories until told (see BenchmarkHost.DeleteDataDirectories).
    public void Dispose() => BenchmarkHost.DeleteDataDirectories();

    [Fact]
    public async Task SaturationRunComputesConsistentFigures()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"sdserverless-timings-{Guid.NewGuid():N}.csv");
        var settings = new SaturationScenario.Settings(Gpus: 2, Tasks: 12, DelayMs: 20, WarmupTasks: 2, Width: 64, Height: 64, TimingsCsv: csv, MinWarmupTasks: 0);

        var result = await SaturationScenario.RunAsync("saturation", settings, CancellationToken.None);

        Assert.Equal(12, result.Value("succeeded"));
        var utilisation = result.Metrics.Single(m => m.Name == "gpu_utilisation");
        Assert.InRange(utilisation.Value, 0.1, 100.5);
        Assert.NotNull(utilisation.GoalMet);

        // No schedule beats the GPUs: 12 tasks of 20 ms on 2 GPUs need at least 120 ms.
        Assert.True(result.Value("wall") >= result.Value("ideal_wall"), $"wall {result.Value("wall")} s < ideal {result.Value("ideal_wall")} s");
        Assert.InRange(result.Value("gpu_time_p50"), 20, 10_000);
        Assert.True(result.Value("overhead_p50") >= 0);
        Assert.True(result.Value("overhead_p95") >= result.Value("overhead_p50"));
        Assert.True(result.Value("end_to_end_p95") >= result.Value("end_to_end_p50"));
        Assert.True(result.Value("cpu_per_task") > 0);
        Assert.Equal(result.Value("throughput"), 12 / result.Value("wall"), 6);
        Assert.True(result.Value("jit_time") >= 0);

        // Warm-up ran until three rounds in a row compiled (almost) nothing.
        Assert.True(int.Parse(result.Parameters["warmup_tasks"], System.Globalization.CultureInfo.InvariantCulture) >= 6);

        // One line per task; the emulator noted when each response was sent, so output time splits in two.
        var lines = await File.ReadAllLinesAsync(csv);
        File.Delete(csv);
        Assert.Equal(13, lines.Length);
        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1))
        {
            var cells = header.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second);
            Assert.NotEqual("", cells["responded"]);

            // Every result.json was seen arriving in the store, after its completed_at and within the run.
            Assert.InRange(double.Parse(cells["result_write"], System.Globalization.CultureInfo.InvariantCulture), 0, 60_000);
            Assert.True(double.Parse(cells["gpu_end"], System.Globalization.CultureInfo.InvariantCulture) <= double.Parse(cells["completed"], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task AffinityRunCountsModelSwitchesOnEveryServer()
    {
        var settings = new AffinityScenario.Settings(Gpus: 2, Tasks: 8, DelayMs: 5, ModelSwitchMs: 5);

        var result = await AffinityScenario.RunAsync(affinity: false, settings, CancellationToken.None);

        // Half the tasks want the checkpoint no server booted with: at least one load, at most one per task.
        Assert.Equal(8, result.Value("succeeded"));
        Assert.InRange(result.Value("model_switches"), 1, 8);
        Assert.Equal("affinity off", result.Variant);
    }

    [Fact]
    public void ReportTableListsEveryFigureWithItsGoal()
    {
        var result = new ScenarioResult("saturation", "4 GPU(s)");
        result.Add("gpu_utilisation", 98.25, "%", "≥ 97", true);
        result.Add("overhead_p50", 12, "ms", "≤ 10", false);

        var table = ReportWriter.Table([result]);

        Assert.Contains("gpu_utilisation | 98.25 | %    | ≥ 97 met", table, StringComparison.Ordinal);
        Assert.Contains("overhead_p50    | 12.00 | ms   | ≤ 10 MISSED", table, StringComparison.Ordinal);
    }
}
