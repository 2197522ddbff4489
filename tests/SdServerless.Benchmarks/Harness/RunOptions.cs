namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// What one run measures: <c>&lt;scenario|all&gt;... [--quick] [--repeat N] [--requests-ahead N] [--image-side N] [--out FILE]</c>
/// (<see cref="BenchmarkCommandLine"/> reads it).
/// </summary>
public sealed class RunOptions
{
    public static readonly string[] Scenarios = ["saturation", "scaling", "affinity", "large-outputs", "micro", "cold-start", "interrupt", "aws-pool"];

    public static readonly string DefaultOut = Path.Combine("artifacts", "benchmarks", "results.json");

    /// <summary>The scenarios to run, in the order named (all: every one, in <see cref="Scenarios"/>' order).</summary>
    public IReadOnlyList<string> Selected { get; init; } = [];

    public bool Quick { get; init; }

    public int Repeat { get; init; } = 1;

    /// <summary>Requests queued at a server per GPU; null: the local host's own setting.</summary>
    public int? RequestsAhead { get; init; }

    public int ImageSide { get; init; } = 512;

    public string Out { get; init; } = DefaultOut;
}
