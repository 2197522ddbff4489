namespace SdServerless.Core.Storage;

/// <summary>An object read from the store, whole.</summary>
/// <param name="Key">The object's key in the bucket.</param>
/// <param name="Content">Its bytes.</param>
/// <param name="ContentType">The Content-Type it was stored with.</param>
/// <param name="ETag">The object's version as the store names it; pass it to <see cref="IObjectStore.TryReplaceAsync"/>.</param>
public sealed record StoredObject(string Key, ReadOnlyMemory<byte> Content, string ContentType, string ETag = "");
