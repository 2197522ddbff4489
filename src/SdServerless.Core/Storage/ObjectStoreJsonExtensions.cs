using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SdServerless.Core.Storage;

/// <summary>Reading and writing the JSON documents of a task (request.json, state.json, result.json).</summary>
public static class ObjectStoreJsonExtensions
{
    /// <summary>The document at <paramref name="key"/>, or null when there is no such object.</summary>
    /// <param name="store">The store to read.</param>
    /// <param name="key">The document's key.</param>
    /// <param name="typeInfo">The source-generated contract of <typeparamref name="T"/> (no reflection: the Lambda functions are AOT).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="JsonException">The object holds no valid JSON for <typeparamref name="T"/>.</exception>
    public static async Task<T?> GetJsonAsync<T>(this IObjectStore store, string key, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        var stored = await store.GetAsync(key, cancellationToken);
        return stored is null ? null : JsonSerializer.Deserialize(stored.Content.Span, typeInfo);
    }

    /// <summary>Writes <paramref name="value"/> as application/json at <paramref name="key"/>, replacing whatever is there.</summary>
    /// <param name="store">The store to write.</param>
    /// <param name="key">The document's key.</param>
    /// <param name="value">The document.</param>
    /// <param name="typeInfo">The source-generated contract of <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static Task PutJsonAsync<T>(this IObjectStore store, string key, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        return store.PutAsync(key, new MemoryStream(bytes, writable: false), "application/json", cancellationToken);
    }

    /// <summary>Writes the document only if no object has the key (see <see cref="IObjectStore.TryCreateAsync"/>): its ETag, null when one exists.</summary>
    /// <param name="store">The store to write.</param>
    /// <param name="key">The document's key.</param>
    /// <param name="value">The document.</param>
    /// <param name="typeInfo">The source-generated contract of <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static Task<string?> TryCreateJsonAsync<T>(this IObjectStore store, string key, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        store.TryCreateAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json", cancellationToken);

    /// <summary>Replaces the document only if it is still version <paramref name="eTag"/> (see <see cref="IObjectStore.TryReplaceAsync"/>); false when it changed.</summary>
    /// <param name="store">The store to write.</param>
    /// <param name="key">The document's key.</param>
    /// <param name="value">The new document.</param>
    /// <param name="typeInfo">The source-generated contract of <typeparamref name="T"/>.</param>
    /// <param name="eTag">The version read before (<see cref="StoredObject.ETag"/>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static Task<bool> TryReplaceJsonAsync<T>(this IObjectStore store, string key, T value, JsonTypeInfo<T> typeInfo, string eTag, CancellationToken cancellationToken) =>
        store.TryReplaceAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json", eTag, cancellationToken);
}
