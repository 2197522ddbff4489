namespace SdServerless.Core.Runtimes;

/// <summary>Generation limits checked at submit time (CONTRACT §2 defaults); configurable per runtime.</summary>
public sealed class GenerationBounds
{
    public int MinSize { get; init; } = 64;

    public int MaxSize { get; init; } = 2048;

    public int SizeMultiple { get; init; } = 8;

    public int MinSteps { get; init; } = 1;

    public int MaxSteps { get; init; } = 150;

    /// <summary>batch_size × n_iter.</summary>
    public int MaxImages { get; init; } = 16;

    public double MinCfgScale { get; init; }

    public double MaxCfgScale { get; init; } = 30;

    public double MinDenoisingStrength { get; init; }

    public double MaxDenoisingStrength { get; init; } = 1;
}
