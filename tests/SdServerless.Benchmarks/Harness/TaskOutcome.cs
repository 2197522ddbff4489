namespace SdServerless.Benchmarks.Harness;

/// <summary>What result.json says of one finished task.</summary>
public sealed record TaskOutcome(
    TaskSpec Spec,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset CompletedAt,
    int Attempts,
    int Images);
