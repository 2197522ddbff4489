namespace SdServerless.Core.Images;

/// <summary>A file format recognised from its leading bytes: the extension and Content-Type outputs are stored with.</summary>
public sealed record ImageFormat(string Name, string Extension, string ContentType)
{
    /// <summary>SD Web UI's usual output, and an accepted input.</summary>
    public static readonly ImageFormat Png = new("png", "png", "image/png");
    /// <summary>Stored with the .jpg extension; an accepted input.</summary>
    public static readonly ImageFormat Jpeg = new("jpeg", "jpg", "image/jpeg");
    /// <summary>Returned by animation scripts; an accepted input (SD Web UI decodes its first frame).</summary>
    public static readonly ImageFormat Gif = new("gif", "gif", "image/gif");
    /// <summary>An accepted input, and an output when SD Web UI is set to save WebP.</summary>
    public static readonly ImageFormat WebP = new("webp", "webp", "image/webp");
    /// <summary>Video some SD Web UI scripts return: stored as an output, never accepted as an input.</summary>
    public static readonly ImageFormat Mp4 = new("mp4", "mp4", "video/mp4");

    /// <summary>Every format above (declared after them: static fields initialise in order).</summary>
    public static readonly IReadOnlyList<ImageFormat> All = [Png, Jpeg, Gif, WebP, Mp4];

    /// <summary>Formats SD Web UI can decode as an input image (init_images, mask, image).</summary>
    public bool IsInputImage => this == Png || this == Jpeg || this == Gif || this == WebP;
}
