namespace SdServerless.Core.Storage;

/// <param name="ETag">The object's version as the store names it; pass it to <see cref="IObjectStore.TryReplaceAsync"/>.</param>
public sealed record StoredObject(string Key, ReadOnlyMemory<byte> Content, string ContentType, string ETag = "");
