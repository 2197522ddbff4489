namespace SdServerless.Core.Storage;

/// <summary>An object as a listing returns it: its key and size, without its content.</summary>
/// <param name="Key">The object's key in the bucket.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record ObjectInfo(string Key, long Size);
