namespace SdServerless.Benchmarks.Harness;

/// <summary>What one scenario run measured: its parameters, its figures and notes on how they were taken.</summary>
public sealed class ScenarioResult(string scenario, string variant)
{
    public string Scenario { get; } = scenario;

    /// <summary>Which configuration of the scenario (e.g. "4 GPUs", "affinity on").</summary>
    public string Variant { get; } = variant;

    public Dictionary<string, string> Parameters { get; } = [];

    public List<Metric> Metrics { get; } = [];

    public List<string> Notes { get; } = [];

    public Metric Add(string name, double value, string unit, string? goal = null, bool? goalMet = null)
    {
        var metric = new Metric(name, value, unit, goal, goalMet);
        Metrics.Add(metric);
        return metric;
    }

    public double Value(string name) => Metrics.First(m => m.Name == name).Value;
}
