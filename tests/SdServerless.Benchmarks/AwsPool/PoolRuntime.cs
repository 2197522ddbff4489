namespace SdServerless.Benchmarks.AwsPool;

/// <summary>One runtime of a <see cref="PoolTopology"/>: its checkpoints (servers boot with the first) and GPU servers.</summary>
public sealed record PoolRuntime(string Name, IReadOnlyList<string> Models, int Gpus);
