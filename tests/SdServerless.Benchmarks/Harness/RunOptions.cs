namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// What one run measures: <c>&lt;scenario|all&gt;... [--quick] [--repeat N] [--requests-ahead N] [--image-side N] [--one-moto] [--out FILE]</c>
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

    /// <summary>aws-pool: S3, SQS and DynamoDB on one moto_server rather than one each.</summary>
    public bool OneMoto { get; init; }

    public string Out { get; init; } = DefaultOut;
}
