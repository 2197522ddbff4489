namespace SdServerless.Core.Storage;

public sealed record ObjectInfo(string Key, long Size);
