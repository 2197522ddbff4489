namespace SdServerless.Emulator.Gpus;

/// <summary>How a GPU job ended: on which GPU, with which checkpoint, and how many iterations it finished.</summary>
internal sealed record GpuOutcome(EmulatedGpu Gpu, EmulatorModel Model, int CompletedIterations, bool Interrupted);
