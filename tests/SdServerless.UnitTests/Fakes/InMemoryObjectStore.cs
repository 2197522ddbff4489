using System.Collections.Concurrent;
using SdServerless.Core;
using SdServerless.Core.Storage;

namespace SdServerless.UnitTests.Fakes;

/// <summary>An in-process object store for handler unit tests; <see cref="Unavailable"/> simulates an outage.</summary>
public sealed class InMemoryObjectStore(string bucketName = "outputbucket") : IObjectStore, IObjectCreatedSource
{
    private readonly ConcurrentDictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);

    public string BucketName { get; } = bucketName;

    public bool Unavailable { get; set; }

    public event Func<ObjectCreated, CancellationToken, Task>? ObjectCreated;

    public IReadOnlyCollection<string> Keys => _objects.Keys.Order(StringComparer.Ordinal).ToList();

    public async Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        if (!_objects.TryAdd(key, new StoredObject(key, content.ToArray(), contentType)))
        {
            return false;
        }

        await RaiseAsync(key, content.Length, cancellationToken);
        return true;
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        _objects[key] = new StoredObject(key, buffer.ToArray(), contentType);
        await RaiseAsync(key, buffer.Length, cancellationToken);
    }

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        return Task.FromResult(_objects.GetValueOrDefault(key));
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
