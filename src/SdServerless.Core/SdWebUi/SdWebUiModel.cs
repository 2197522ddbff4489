namespace SdServerless.Core.SdWebUi;

/// <summary>One entry of GET /sdapi/v1/sd-models.</summary>
public sealed class SdWebUiModel
{
    /// <summary>"v1-5-pruned-emaonly.safetensors [6ce0161689]".</summary>
    public string Title { get; init; } = "";

    /// <summary>"v1-5-pruned-emaonly".</summary>
    public string ModelName { get; init; } = "";

    public string? Hash { get; init; }

    public string? Sha256 { get; init; }

    /// <summary>Full path on the server: ".../models/Stable-diffusion/v1-5-pruned-emaonly.safetensors".</summary>
    public string Filename { get; init; } = "";

    /// <summary>
    /// Whether an sd_model_checkpoint value selects this checkpoint, by the aliases SD Web UI itself looks up:
    /// the title, the title without its hash, the model name, the file's name, the short hash, the sha256.
    /// </summary>
    public bool IsNamedBy(string requested) =>
        requested == Title
        || requested == SdWebUiModelNames.WithoutHash(Title)
        || requested == ModelName
        || requested == SdWebUiModelNames.BaseName(Filename)
        || (Hash is { Length: > 0 } && requested == Hash)
        || (Sha256 is { Length: > 0 } && requested == Sha256);
}
