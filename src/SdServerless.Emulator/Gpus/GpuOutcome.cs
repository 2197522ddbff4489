namespace SdServerless.Emulator.Gpus;

/// <summary>How a GPU job ended: on which GPU, with which checkpoint, and how many iterations it finished.</summary>
/// <param name="JobLogIndex">Where the job is in the emulator's job log (null when jobs are not recorded).</param>
internal sealed record GpuOutcome(EmulatedGpu Gpu, EmulatorModel Model, int CompletedIterations, bool Interrupted, int? JobLogIndex);
