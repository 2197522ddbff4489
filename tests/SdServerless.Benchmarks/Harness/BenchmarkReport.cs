using System.Runtime.InteropServices;

namespace SdServerless.Benchmarks.Harness;

/// <summary>Everything one benchmark run wrote: where it ran, how loaded the machine was, and each scenario's figures.</summary>
public sealed class BenchmarkReport
{
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? FinishedAt { get; set; }

    public bool Quick { get; init; }

    public int ProcessorCount { get; init; } = Environment.ProcessorCount;

    public string Os { get; init; } = RuntimeInformation.OSDescription;

    public string Runtime { get; init; } = RuntimeInformation.FrameworkDescription;

    /// <summary>/proc/loadavg at the start and at the end (1, 5, 15 minutes): the machine is shared.</summary>
    public string? LoadAverageAtStart { get; init; } = LoadAverage();

    public string? LoadAverageAtEnd { get; set; }

    public List<ScenarioResult> Results { get; } = [];

    public static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
}
