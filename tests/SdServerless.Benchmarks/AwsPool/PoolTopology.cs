namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// What one aws-pool run deploys: the runtimes (each with its checkpoints, the first loaded when a server boots, and
/// its GPUs, one per server), the emulated GPU times, and the dispatcher's event source settings: batch size and
/// maximum concurrency (<see cref="ConcurrencyPerGpu"/> × the runtime's GPUs, so that a request can wait at every GPU);
/// <see cref="OneMoto"/>: S3, SQS and DynamoDB on one moto_server instead of one each (see <see cref="MotoServices"/>).
/// </summary>
public sealed record PoolTopology(
    IReadOnlyList<PoolRuntime> Runtimes, int DelayMs, int SwitchMs, int ConcurrencyPerGpu = 2, int BatchSize = 1, int ApiEnvironments = 2, bool OneMoto = false)
{
    public int MaxConcurrency(PoolRuntime runtime) => Math.Max(2, ConcurrencyPerGpu * runtime.Gpus);
}
