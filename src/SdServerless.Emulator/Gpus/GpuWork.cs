namespace SdServerless.Emulator.Gpus;

/// <summary>
/// What a request asks of a GPU: the checkpoint it needs (null: any, as extras), how many iterations
/// (n_iter) of how many images (batch_size), the sampling steps for the progress report, and the first seed
/// (benchmarks give each task its own seed to find its job in <see cref="SdWebUiEmulator.JobLog"/>).
/// </summary>
internal sealed record GpuWork(string Name, EmulatorModel? Model, int Iterations, int ImagesPerIteration, int Steps, long? Seed = null);
