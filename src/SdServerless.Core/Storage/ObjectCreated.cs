namespace SdServerless.Core.Storage;

public sealed record ObjectCreated(string Bucket, string Key, long Size, string ETag, DateTimeOffset EventTime);
