namespace SdServerless.Emulator.Gpus;

/// <summary>How a GPU job ended: on which GPU, with which checkpoint, and how many iterations it finished.</summary>
/// <param name="Gpu">The GPU that ran the job.</param>
/// <param name="Model">The checkpoint it had loaded while the job ran.</param>
/// <param name="CompletedIterations">Iterations (n_iter) finished: all of them unless the job was interrupted.</param>
/// <param name="Interrupted">/sdapi/v1/interrupt ended the job early.</param>
/// <param name="JobLogIndex">Where the job is in the emulator's job log (null when jobs are not recorded).</param>
internal sealed record GpuOutcome(EmulatedGpu Gpu, EmulatorModel Model, int CompletedIterations, bool Interrupted, int? JobLogIndex);
