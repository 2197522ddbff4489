namespace SdServerless.Benchmarks.AwsPool;

/// <summary>What an emulated GPU server reports to the benchmark: when it joined the pool, and every GPU job it ran.</summary>
/// <param name="RegisteredAt">When its first registration was written; null while it is still booting.</param>
public sealed record GpuServerLog(DateTimeOffset? RegisteredAt, List<EmulatorJobRecord> Jobs);
