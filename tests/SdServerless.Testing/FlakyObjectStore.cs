using SdServerless.Core;
using SdServerless.Core.Storage;

namespace SdServerless.Testing;

/// <summary>
/// An object store that fails for a while: after <see cref="WritesBeforeOutage"/> good writes, the next
/// <see cref="FailingWrites"/> writes throw <see cref="DependencyUnavailableException"/>; the first
/// <see cref="FailingReads"/> reads fail likewise. Then it works again, as a store does after an outage.
/// </summary>
public sealed class FlakyObjectStore(IObjectStore inner) : IObjectStore
{
    private readonly Lock _gate = new();
    private int _writes;

    public int WritesBeforeOutage { get; set; }

    public int FailingWrites { get; set; }

    public int FailingReads { get; set; }

    public int Injected { get; private set; }

    public string BucketName => inner.BucketName;

    public Task<string?> TryCreateAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        Write(key);
        return inner.TryCreateAsync(key, content, contentType, cancellationToken);
    }

    public Task<bool> TryReplaceAsync(string key, ReadOnlyMemory<byte> content, string contentType, string eTag, CancellationToken cancellationToken)
    {
        Write(key);
        return inner.TryReplaceAsync(key, content, contentType, eTag, cancellationToken);
    }

    public Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        Write(key);
        return inner.PutAsync(key, content, contentType, cancellationToken);
    }

    public Task<bool> CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken)
    {
        Write(destinationKey);
        return inner.CopyAsync(sourceKey, destinationKey, cancellationToken);
    }

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Read(key);
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<IReadOnlyList<ObjectInfo>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        Read(prefix);
        return inner.ListAsync(prefix, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Write(key);
        return inner.DeleteAsync(key, cancellationToken);
    }

    private void Write(string key)
    {
        lock (_gate)
        {
            _writes++;
            if (_writes > WritesBeforeOutage && _writes <= WritesBeforeOutage + FailingWrites)
            {
                Injected++;
                throw new DependencyUnavailableException($"injected outage: write of {key} failed");
            }
        }
    }

    private void Read(string key)
    {
        lock (_gate)
        {
            if (FailingReads > 0)
            {
                FailingReads--;
                Injected++;
                throw new DependencyUnavailableException($"injected outage: read of {key} failed");
            }
        }
    }
}
