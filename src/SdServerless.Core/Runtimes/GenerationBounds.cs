namespace SdServerless.Core.Runtimes;

/// <summary>Generation limits checked at submit time (the defaults of docs/api.md); configurable per runtime.</summary>
/// <remarks>Settable, not init-only: the JSON source generator drops the defaults of init-only properties absent from the file (dotnet/runtime#84484).</remarks>
public sealed class GenerationBounds
{
    public int MinSize { get; set; } = 64;

    public int MaxSize { get; set; } = 2048;

    public int SizeMultiple { get; set; } = 8;

    public int MinSteps { get; set; } = 1;

    public int MaxSteps { get; set; } = 150;

    /// <summary>batch_size × n_iter.</summary>
    public int MaxImages { get; set; } = 16;

    /// <summary>
    /// The most work one task may ask for, in megapixel-steps: images × width × height × steps / 10⁶, plus the hires
    /// pass at its own size and steps. Each bound above may hold while their product does not: 16 images of 2048² at
    /// 150 steps are 10,066, hours on one GPU. 2,000 is about ten minutes on an A10G-class GPU (SD 1.5 renders about
    /// 4 megapixel-steps a second there, SDXL about 2.5). 0: no such bound.
    /// </summary>
    public double MaxMegapixelSteps { get; set; } = 2000;

    public double MinCfgScale { get; set; }

    public double MaxCfgScale { get; set; } = 30;

    public double MinDenoisingStrength { get; set; }

    public double MaxDenoisingStrength { get; set; } = 1;
}
