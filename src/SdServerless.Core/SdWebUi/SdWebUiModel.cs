namespace SdServerless.Core.SdWebUi;

/// <summary>One entry of GET /sdapi/v1/sd-models.</summary>
public sealed class SdWebUiModel
{
    /// <summary>"v1-5-pruned-emaonly.safetensors [6ce0161689]".</summary>
    public string Title { get; init; } = "";

    /// <summary>"v1-5-pruned-emaonly".</summary>
    public string ModelName { get; init; } = "";

    /// <summary>The short hash (first 10 hex digits of the sha256); null until the server has hashed the file.</summary>
    public string? Hash { get; init; }

    /// <summary>The file's full sha256 in hex; null until the server has hashed the file (SD Web UI hashes it when first loaded).</summary>
    public string? Sha256 { get; init; }

    /// <summary>Full path on the server: ".../models/Stable-diffusion/v1-5-pruned-emaonly.safetensors".</summary>
    public string Filename { get; init; } = "";

    /// <summary>Whether an sd_model_checkpoint value selects this checkpoint on its server (see <see cref="CheckpointAliases"/>).</summary>
    public bool IsNamedBy(string requested) => CheckpointAliases.Names(this, requested);
}
