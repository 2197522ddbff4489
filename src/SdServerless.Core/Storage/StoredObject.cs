namespace SdServerless.Core.Storage;

public sealed record StoredObject(string Key, ReadOnlyMemory<byte> Content, string ContentType);
