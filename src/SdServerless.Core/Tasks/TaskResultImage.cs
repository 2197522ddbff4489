namespace SdServerless.Core.Tasks;

/// <summary>One stored output of a task, as result.json lists it.</summary>
/// <param name="Key">The object key in the bucket: PREFIX/ID/ID-N.EXT.</param>
/// <param name="S3Uri">The same object as s3://BUCKET/KEY.</param>
/// <param name="ContentType">The Content-Type it was stored with, from its sniffed format.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record TaskResultImage(string Key, string S3Uri, string ContentType, long Size);
