namespace SdServerless.Emulator.Api;

/// <summary>What a txt2img or img2img request amounts to once bound: sizes, counts, seeds, sampler and checkpoint.</summary>
internal sealed record GenerationPlan(
    string Job,
    BoundRequest Request,
    int Width,
    int Height,
    int BatchSize,
    int Iterations,
    int Steps,
    double CfgScale,
    string Sampler,
    string Scheduler,
    long Seed,
    long Subseed,
    IReadOnlyList<long> Seeds,
    IReadOnlyList<long> Subseeds,
    EmulatorModel Model)
{
    public bool IsImg2Img => Job == "img2img";
}
