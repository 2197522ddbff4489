namespace SdServerless.Core.Storage;

/// <summary>
/// The object storage port: S3 on AWS, a directory in the local host. Keys are S3 keys ('/'-separated).
/// Implementations throw <see cref="DependencyUnavailableException"/> when the store cannot be reached,
/// so that callers can answer "retry later" instead of failing the task.
/// </summary>
public interface IObjectStore
{
    /// <summary>The bucket name used in s3:// locations.</summary>
    string BucketName { get; }

    /// <summary>
    /// Creates the object only if no object has the key. Answers the created version's ETag, so that the creator can
    /// <see cref="TryReplaceAsync"/> it without reading it back; null when an object already has the key.
    /// </summary>
    Task<string?> TryCreateAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the object only if it still is the version <paramref name="eTag"/> (from <see cref="GetAsync"/>
    /// or <see cref="TryCreateAsync"/>):
    /// a compare-and-swap, S3's If-Match. False when the object changed or is gone; of two racers holding the same
    /// ETag exactly one wins.
    /// </summary>
    Task<bool> TryReplaceAsync(string key, ReadOnlyMemory<byte> content, string contentType, string eTag, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the object. The stream is read to its end; it is not disposed.</summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>
    /// Copies an object to another key of the bucket, replacing what is there, with its content type; false when the
    /// source does not exist. On S3 the bytes never leave the service.
    /// </summary>
    Task<bool> CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken);

    /// <summary>The whole object, or null when there is none.</summary>
    Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every object whose key starts with the prefix, in key order.</summary>
    Task<IReadOnlyList<ObjectInfo>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// At most <paramref name="maxKeys"/> objects under the prefix whose key sorts after <paramref name="startAfter"/>,
    /// in key order: one page of a long listing. S3 answers it with one request; the default reads the whole prefix.
    /// </summary>
    async Task<IReadOnlyList<ObjectInfo>> ListPageAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken) =>
        [.. (await ListAsync(prefix, cancellationToken))
            .Where(o => startAfter is null || string.CompareOrdinal(o.Key, startAfter) > 0)
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Take(maxKeys)];

    /// <summary>Removes the object; no error when it does not exist.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
