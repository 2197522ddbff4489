namespace SdServerless.Core.Tasks;

/// <summary>The forms an SD Web UI image input (init_images, mask, image) may take.</summary>
public enum ImageInputKind
{
    /// <summary>None of the forms below (or base64 that does not decode, or nothing at all).</summary>
    Invalid,

    /// <summary>Something with a scheme ("https://..."): to be checked by UrlPolicy and downloaded.</summary>
    Url,

    /// <summary>data:image/TYPE;base64,PAYLOAD with a payload that decodes.</summary>
    DataUrl,

    /// <summary>Plain base64 that decodes.</summary>
    Base64,
}
