using SdServerless.Core;
using SdServerless.Core.Storage;
using SdServerless.Local.IO;

namespace SdServerless.Local.Storage;

/// <summary>
/// The local host's object store: one directory per bucket, an object's bytes at <c>ROOT/s3/BUCKET/KEY</c>.
/// A content type other than the one the key's extension implies lives in a sidecar under <c>ROOT/s3meta/BUCKET/</c>
/// (named by a hash of the key, so the s3 tree holds only objects and a key may be both an object and a "folder" of
/// others); see <see cref="ObjectFiles"/>.
/// Every write lands in <c>ROOT/s3tmp/</c> first, is flushed to disk, then renamed (put) or linked (create) into
/// place, so readers never see a partial object. An object's ETag is the MD5 of its bytes, as S3's is for a single
/// put; a conditional replace compares it under the process-wide key lock (one process owns a data directory: the
/// queue's directory lock sees to that). File-system failures become
/// <see cref="DependencyUnavailableException"/>.
/// Writes are flushed to disk (the file, then its directory entry) before they return, so they survive a power
/// failure, except objects the owner declares expendable: ones that are rewritten or recomputed when lost (the
/// dispatcher's state.json, the callback trigger's markers). Those are as atomic and survive a crash of the process
/// all the same; they skip the two fsyncs, which under load queue at the disk behind the writes that need them.
/// </summary>
public sealed class DirectoryObjectStore : IObjectStore, IObjectCreatedSource
{
    private readonly string _objectsRoot;
    private readonly ObjectFiles _files;

    /// <summary>Shared by every instance in the process, so that a compare-and-swap holds across them too.</summary>
    private static readonly KeyLocks Locks = new();
    private readonly Func<string, bool> _isExpendable;

    /// <param name="root">The data directory; created as needed.</param>
    /// <param name="bucketName">The one bucket this store holds, named in its events as S3 would.</param>
    /// <param name="isExpendable">Keys whose objects need not survive a power failure (default: none).</param>
    public DirectoryObjectStore(string root, string bucketName, Func<string, bool>? isExpendable = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var reason = bucketName.Contains('/') ? "it contains '/'" : ObjectKeyValidator.Check(bucketName);
        if (reason is not null)
        {
            throw new ArgumentException($"Invalid bucket name '{bucketName}': {reason}.", nameof(bucketName));
        }

        BucketName = bucketName;
        _isExpendable = isExpendable ?? (_ => false);
        Root = Path.GetFullPath(root);
        _objectsRoot = Path.Combine(Root, "s3", bucketName);
        _files = new ObjectFiles(Path.Combine(Root, "s3meta", bucketName), Path.Combine(Root, "s3tmp"));
    }

    /// <inheritdoc/>
    public event Func<ObjectCreated, CancellationToken, Task>? ObjectCreated;

    /// <summary>The bucket the objects belong to, as the s3:// locations name it.</summary>
    public string BucketName { get; }

    /// <summary>The data directory (<c>--data</c>): objects are at <c>Root/s3/BUCKET/KEY</c>.</summary>
    public string Root { get; }

    /// <summary>Where the object with this key is (or would be) stored; throws on an invalid key.</summary>
    public string GetObjectPath(string key)
    {
        ObjectKeyValidator.Validate(key);
        return Path.Combine(_objectsRoot, key);
    }

    /// <inheritdoc/>
    public async Task<string?> TryCreateAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var path = GetObjectPath(key);
        var flush = !_isExpendable(key);
        var written = await GuardAsync(() => _files.WriteTempAsync(null, content, flush, cancellationToken));
        bool created;
        try
        {
            using (await Locks.AcquireAsync(key, cancellationToken))
            {
                created = Guard(() =>
                {
                    if (File.Exists(path))
                    {
                        return false;
                    }

                    _files.WriteMeta(key, contentType, written.ETag, flush);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    return PosixFileSystem.TryLink(written.TempPath, path);
                });
            }
        }
        finally
        {
            // After a link the object keeps its own name for the bytes; the temporary name always goes.
            File.Delete(written.TempPath);
        }

        if (created)
        {
            FlushDirectory(path, flush);
            await RaiseCreatedAsync(key, written, cancellationToken);
        }

        return created ? written.ETag : null;
    }

    /// <inheritdoc/>
    public async Task<bool> TryReplaceAsync(string key, ReadOnlyMemory<byte> content, string contentType, string eTag, CancellationToken cancellationToken)
    {
        var path = GetObjectPath(key);
        var flush = !_isExpendable(key);
        var written = await GuardAsync(() => _files.WriteTempAsync(null, content, flush, cancellationToken));
        bool replaced;
        try
        {
            using (await Locks.AcquireAsync(key, cancellationToken))
            {
                replaced = await GuardAsync(async () =>
                {
                    if (await ReadOrNullAsync(path, cancellationToken) is not { } current || ObjectFiles.ETagOf(current) != eTag)
                    {
                        return false;
                    }

                    _files.WriteMeta(key, contentType, written.ETag, flush);
                    File.Move(written.TempPath, path, overwrite: true);
                    return true;
                });
            }
        }
        finally
        {
            File.Delete(written.TempPath);
        }

        if (replaced)
        {
            FlushDirectory(path, flush);
            await RaiseCreatedAsync(key, written, cancellationToken);
        }

        return replaced;
    }

    /// <inheritdoc/>
    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var path = GetObjectPath(key);
        var flush = !_isExpendable(key);
        var written = await GuardAsync(() => _files.WriteTempAsync(content, ReadOnlyMemory<byte>.Empty, flush, cancellationToken));
        try
        {
            using (await Locks.AcquireAsync(key, cancellationToken))
            {
                Guard(() =>
                {
                    _files.WriteMeta(key, contentType, written.ETag, flush);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.Move(written.TempPath, path, overwrite: true);
                });
            }
        }
        finally
        {
            File.Delete(written.TempPath);
        }

        FlushDirectory(path, flush);
        await RaiseCreatedAsync(key, written, cancellationToken);
    }

    /// <summary>
    /// A second name for the source's file (objects are never changed in place, only replaced by a rename, so they
    /// may share their bytes), renamed over the destination: no bytes are copied.
    /// </summary>
    public async Task<bool> CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken)
    {
        var source = GetObjectPath(sourceKey);
        var destination = GetObjectPath(destinationKey);
        var flush = !_isExpendable(destinationKey);
        var tempPath = _files.NewTempPath();
        string contentType;
        using (await Locks.AcquireAsync(sourceKey, cancellationToken))
        {
            var linked = Guard(() =>
            {
                try
                {
                    return PosixFileSystem.TryLink(source, tempPath);
                }
                catch (IOException) when (!File.Exists(source))
                {
                    return false;
                }
            });
            if (!linked)
            {
                return false;
            }

            contentType = _files.ReadContentType(sourceKey);
        }

        WrittenFile written;
        try
        {
            using (await Locks.AcquireAsync(destinationKey, cancellationToken))
            {
                written = await GuardAsync(async () =>
                {
                    var bytes = await File.ReadAllBytesAsync(tempPath, cancellationToken);
                    var file = new WrittenFile(tempPath, bytes.Length, ObjectFiles.ETagOf(bytes));
                    _files.WriteMeta(destinationKey, contentType, file.ETag, flush);
                    Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                    File.Move(tempPath, destination, overwrite: true);
                    return file;
                });
            }
        }
        finally
        {
            File.Delete(tempPath);
        }

        FlushDirectory(destination, flush);
        await RaiseCreatedAsync(destinationKey, written, cancellationToken);
        return true;
    }

    /// <inheritdoc/>
    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = GetObjectPath(key);
        using (await Locks.AcquireAsync(key, cancellationToken))
        {
            return await GuardAsync(async () =>
                await ReadOrNullAsync(path, cancellationToken) is { } content
                    ? new StoredObject(key, content, _files.ReadContentType(key), ObjectFiles.ETagOf(content))
                    : null);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ObjectInfo>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        prefix ??= string.Empty;
        if (ObjectKeyValidator.CheckPrefix(prefix) is { } reason)
        {
            throw new ArgumentException($"Invalid prefix '{prefix}': {reason}.", nameof(prefix));
        }

        // Only the directory of the prefix's complete segments can hold matches.
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _objectsRoot : Path.Combine(_objectsRoot, prefix[..lastSlash]);
        var list = Guard(() =>
        {
            if (!Directory.Exists(start))
            {
                return new List<ObjectInfo>();
            }

            return new DirectoryInfo(start)
                .EnumerateFiles("*", SearchOption.AllDirectories)
                .Select(file => new ObjectInfo(Path.GetRelativePath(_objectsRoot, file.FullName).Replace(Path.DirectorySeparatorChar, '/'), file.Length))
                .Where(info => info.Key.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(info => info.Key, StringComparer.Ordinal)
                .ToList();
        });
        return Task.FromResult<IReadOnlyList<ObjectInfo>>(list);
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = GetObjectPath(key);
        using (await Locks.AcquireAsync(key, cancellationToken))
        {
            Guard(() =>
            {
                File.Delete(path);
                _files.DeleteMeta(key);
            });
        }
    }

    private static async Task<byte[]?> ReadOrNullAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            // The key names a "folder" of other keys, not an object.
            return null;
        }
    }

    private static void FlushDirectory(string objectPath, bool flush)
    {
        if (flush)
        {
            PosixFileSystem.FlushDirectory(Path.GetDirectoryName(objectPath)!);
        }
    }

    private async Task RaiseCreatedAsync(string key, WrittenFile written, CancellationToken cancellationToken)
    {
        if (ObjectCreated is not { } handlers)
        {
            return;
        }

        var created = new ObjectCreated(BucketName, key, written.Size, written.ETag, DateTimeOffset.UtcNow);
        foreach (var handler in handlers.GetInvocationList().Cast<Func<ObjectCreated, CancellationToken, Task>>())
        {
            await handler(created, cancellationToken);
        }
    }

    private void Guard(Action action) => Guard(() =>
    {
        action();
        return true;
    });

    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"The object store at '{Root}' failed: {e.Message}", e);
        }
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"The object store at '{Root}' failed: {e.Message}", e);
        }
    }
}
