namespace SdServerless.Core.Images;

/// <summary>A file format recognised from its leading bytes: the extension and Content-Type outputs are stored with.</summary>
public sealed record ImageFormat(string Name, string Extension, string ContentType)
{
    public static readonly ImageFormat Png = new("png", "png", "image/png");
    public static readonly ImageFormat Jpeg = new("jpeg", "jpg", "image/jpeg");
    public static readonly ImageFormat Gif = new("gif", "gif", "image/gif");
    public static readonly ImageFormat WebP = new("webp", "webp", "image/webp");
    public static readonly ImageFormat Mp4 = new("mp4", "mp4", "video/mp4");

    /// <summary>Every format above (declared after them: static fields initialise in order).</summary>
    public static readonly IReadOnlyList<ImageFormat> All = [Png, Jpeg, Gif, WebP, Mp4];

    /// <summary>Formats SD Web UI can decode as an input image (init_images, mask, image).</summary>
    public bool IsInputImage => this == Png || this == Jpeg || this == Gif || this == WebP;
}
