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

    public double MinCfgScale { get; set; }

    public double MaxCfgScale { get; set; } = 30;

    public double MinDenoisingStrength { get; set; }

    public double MaxDenoisingStrength { get; set; } = 1;
}
