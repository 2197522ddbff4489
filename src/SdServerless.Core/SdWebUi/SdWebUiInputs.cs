namespace SdServerless.Core.SdWebUi;

/// <summary>
/// The image fields of a request after input resolution. A null member leaves the client's field as sent
/// (or absent); a set member replaces it.
/// </summary>
public sealed class SdWebUiInputs
{
    /// <summary>No replacement: the request goes to SD Web UI with its image fields as the client sent them.</summary>
    public static readonly SdWebUiInputs None = new();

    /// <summary>img2img init_images, image_link's download first.</summary>
    public IReadOnlyList<SdWebUiInput>? InitImages { get; init; }

    /// <summary>img2img mask.</summary>
    public SdWebUiInput? Mask { get; init; }

    /// <summary>extra-single-image image.</summary>
    public SdWebUiInput? Image { get; init; }

    /// <summary>alwayson_scripts with the URLs inside script arguments replaced by the downloaded images' base64.</summary>
    public System.Text.Json.Nodes.JsonObject? AlwaysOnScripts { get; init; }
}
