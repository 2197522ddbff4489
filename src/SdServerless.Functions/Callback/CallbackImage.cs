namespace SdServerless.Functions.Callback;

/// <summary>One image of a callback: where it is kept and how the receiver fetches it.</summary>
/// <param name="S3Uri">The image's s3:// location.</param>
/// <param name="Url">A link the receiver can GET: presigned HTTPS on AWS, served by the local host locally.</param>
/// <param name="ContentType">The image's media type, e.g. image/png.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record CallbackImage(string S3Uri, string Url, string ContentType, long Size);
