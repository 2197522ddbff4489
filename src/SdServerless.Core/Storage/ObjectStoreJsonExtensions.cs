using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SdServerless.Core.Storage;

/// <summary>Reading and writing the JSON documents of a task (request.json, state.json, result.json).</summary>
public static class ObjectStoreJsonExtensions
{
    public static async Task<T?> GetJsonAsync<T>(this IObjectStore store, string key, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        var stored = await store.GetAsync(key, cancellationToken);
        return stored is null ? null : JsonSerializer.Deserialize(stored.Content.Span, typeInfo);
    }

    public static Task PutJsonAsync<T>(this IObjectStore store, string key, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        return store.PutAsync(key, new MemoryStream(bytes, writable: false), "application/json", cancellationToken);
    }

    public static Task<bool> TryCreateJsonAsync<T>(this IObjectStore store, string key, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        store.TryCreateAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json", cancellationToken);

    public static Task<bool> TryReplaceJsonAsync<T>(this IObjectStore store, string key, T value, JsonTypeInfo<T> typeInfo, string eTag, CancellationToken cancellationToken) =>
        store.TryReplaceAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json", eTag, cancellationToken);
}
