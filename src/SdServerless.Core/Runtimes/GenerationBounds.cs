namespace SdServerless.Core.Runtimes;

/// <summary>Generation limits checked at submit time (the defaults of docs/api.md); configurable per runtime.</summary>
/// <remarks>Settable, not init-only: the JSON source generator drops the defaults of init-only properties absent from the file (dotnet/runtime#84484).</remarks>
public sealed class GenerationBounds
{
    /// <summary>Smallest width or height in pixels a task may ask for.</summary>
    public int MinSize { get; set; } = 64;

    /// <summary>Largest width or height in pixels, also for the hires pass's target size.</summary>
    public int MaxSize { get; set; } = 2048;

    /// <summary>Width and height must be multiples of this (the latent space works in blocks of 8 pixels).</summary>
    public int SizeMultiple { get; set; } = 8;

    /// <summary>Fewest sampling steps a task may ask for.</summary>
    public int MinSteps { get; set; } = 1;

    /// <summary>Most sampling steps, for the first pass and the hires pass each.</summary>
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

    /// <summary>Lowest cfg_scale accepted.</summary>
    public double MinCfgScale { get; set; }

    /// <summary>Highest cfg_scale accepted.</summary>
    public double MaxCfgScale { get; set; } = 30;

    /// <summary>Lowest denoising_strength accepted.</summary>
    public double MinDenoisingStrength { get; set; }

    /// <summary>Highest denoising_strength accepted (1 redraws the input entirely).</summary>
    public double MaxDenoisingStrength { get; set; } = 1;
}
