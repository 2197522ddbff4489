namespace SdServerless.Core.Storage;

/// <summary>
/// An object was written to the bucket: what S3's ObjectCreated event (or the local store) reports, which is how the
/// callback learns that a task's result.json exists.
/// </summary>
/// <param name="Bucket">The bucket the object is in.</param>
/// <param name="Key">The object's key (URL-decoded).</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="ETag">The version written; a later write of the same key has another.</param>
/// <param name="EventTime">When the store recorded the write.</param>
public sealed record ObjectCreated(string Bucket, string Key, long Size, string ETag, DateTimeOffset EventTime);
