namespace SdServerless.Benchmarks.Harness;

/// <summary>One figure of a scenario: its value, unit, and the goal it is held against (if any).</summary>
public sealed record Metric(string Name, double Value, string Unit, string? Goal = null, bool? GoalMet = null);
