using System.Text.Json.Serialization;

namespace SdServerless.Emulator.Api;

/// <summary>
/// The "info" of a txt2img or img2img answer (SD Web UI's Processed.js()), in its member order. Clients parse it
/// for its seeds, checkpoint and infotexts; the members the emulator has no use for keep SD Web UI's values.
/// </summary>
internal sealed record GenerationInfo
{
    public required string Prompt { get; init; }

    public required IReadOnlyList<string> AllPrompts { get; init; }

    public required string NegativePrompt { get; init; }

    public required IReadOnlyList<string> AllNegativePrompts { get; init; }

    public required long Seed { get; init; }

    public required IReadOnlyList<long> AllSeeds { get; init; }

    public required long Subseed { get; init; }

    public required IReadOnlyList<long> AllSubseeds { get; init; }

    public required double SubseedStrength { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required string SamplerName { get; init; }

    public required double CfgScale { get; init; }

    public required int Steps { get; init; }

    public required int BatchSize { get; init; }

    public required bool RestoreFaces { get; init; }

    public string? FaceRestorationModel => null;

    public required string SdModelName { get; init; }

    /// <summary>Null until the checkpoint has been hashed (when first loaded).</summary>
    public required string? SdModelHash { get; init; }

    public string? SdVaeName => null;

    public string? SdVaeHash => null;

    public required long SeedResizeFromW { get; init; }

    public required long SeedResizeFromH { get; init; }

    /// <summary>Null for a txt2img request that does not set it.</summary>
    public required double? DenoisingStrength { get; init; }

    public required ExtraGenerationParams ExtraGenerationParams { get; init; }

    /// <summary>1 when the images start with a grid, whose infotext is the first image's.</summary>
    public required int IndexOfFirstImage { get; init; }

    public required IReadOnlyList<string> Infotexts { get; init; }

    public required IReadOnlyList<string> Styles { get; init; }

    /// <summary>Local time, yyyyMMddHHmmss, as SD Web UI's job timestamp.</summary>
    public required string JobTimestamp { get; init; }

    public int ClipSkip => 1;

    public bool IsUsingInpaintingConditioning => false;

    public string Version => InfoText.Version;
}

/// <summary>The infotext entries SD Web UI keeps beside the fixed members, under their infotext names.</summary>
internal sealed record ExtraGenerationParams([property: JsonPropertyName("Schedule type")] string ScheduleType);
