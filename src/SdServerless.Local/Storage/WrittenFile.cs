namespace SdServerless.Local.Storage;

/// <summary>A temporary file holding an object's bytes, not yet in place.</summary>
internal sealed record WrittenFile(string TempPath, long Size, string ETag);
