using System.Collections.Concurrent;
using SdServerless.Core;
using SdServerless.Core.Storage;

namespace SdServerless.Testing;

/// <summary>An in-process object store for handler unit tests; <see cref="Unavailable"/> simulates an outage.</summary>
public sealed class InMemoryObjectStore(string bucketName = "outputbucket") : IObjectStore, IObjectCreatedSource
{
    private readonly ConcurrentDictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private long _versions;

    public string BucketName { get; } = bucketName;

    public bool Unavailable { get; set; }

    /// <summary>Each call waits this long first, as a network store would, so that concurrent callers interleave.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Awaited before each read of an object, with its key: lets a test hold the read of one key.</summary>
    public Func<string, Task>? BeforeGet { get; set; }

    public event Func<ObjectCreated, CancellationToken, Task>? ObjectCreated;

    public IReadOnlyCollection<string> Keys => _objects.Keys.Order(StringComparer.Ordinal).ToList();

    public async Task<string?> TryCreateAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        await DelayAsync();
        ThrowIfUnavailable();
        var created = NewObject(key, content.ToArray(), contentType);
        if (!_objects.TryAdd(key, created))
        {
            return null;
        }

        await RaiseAsync(key, content.Length, cancellationToken);
        return created.ETag;
    }

    public async Task<bool> TryReplaceAsync(string key, ReadOnlyMemory<byte> content, string contentType, string eTag, CancellationToken cancellationToken)
    {
        await DelayAsync();
        ThrowIfUnavailable();
        if (!_objects.TryGetValue(key, out var current) || current.ETag != eTag
            || !_objects.TryUpdate(key, NewObject(key, content.ToArray(), contentType), current))
        {
            return false;
        }

        await RaiseAsync(key, content.Length, cancellationToken);
        return true;
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        await DelayAsync();
        ThrowIfUnavailable();
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        _objects[key] = NewObject(key, buffer.ToArray(), contentType);
        await RaiseAsync(key, buffer.Length, cancellationToken);
    }

    public async Task<bool> CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken)
    {
        if (await GetAsync(sourceKey, cancellationToken) is not { } source)
        {
            return false;
        }

        await PutAsync(destinationKey, new MemoryStream(source.Content.ToArray()), source.ContentType, cancellationToken);
        return true;
    }

    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await DelayAsync();
        if (BeforeGet is { } before)
        {
            await before(key);
        }

        ThrowIfUnavailable();
        return _objects.GetValueOrDefault(key);
    }

    public Task<IReadOnlyList<ObjectInfo>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        IReadOnlyList<ObjectInfo> list = _objects.Values
            .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => new ObjectInfo(o.Key, o.Content.Length))
            .ToList();
        return Task.FromResult(list);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        _objects.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    private Task DelayAsync() => Latency > TimeSpan.Zero ? Task.Delay(Latency) : Task.CompletedTask;

    private StoredObject NewObject(string key, byte[] content, string contentType) =>
        new(key, content, contentType, $"v{Interlocked.Increment(ref _versions)}");

    private async Task RaiseAsync(string key, long size, CancellationToken cancellationToken)
    {
        if (ObjectCreated is { } handler)
        {
            await handler(new ObjectCreated(BucketName, key, size, "etag", DateTimeOffset.UtcNow), cancellationToken);
        }
    }

    private void ThrowIfUnavailable()
    {
        if (Unavailable)
        {
            throw new DependencyUnavailableException("the in-memory store is switched off");
        }
    }
}
