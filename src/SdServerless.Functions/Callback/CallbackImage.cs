namespace SdServerless.Functions.Callback;

/// <param name="Url">A link the receiver can GET: presigned HTTPS on AWS, served by the local host locally.</param>
public sealed record CallbackImage(string S3Uri, string Url, string ContentType, long Size);
