using System.Security.Cryptography;
using System.Text;

namespace SdServerless.Local.Storage;

/// <summary>
/// The files behind a <see cref="DirectoryObjectStore"/> other than the objects themselves: temporary files
/// (written and flushed before they are moved into place) and the sidecars holding each object's content type and
/// ETag, named by a hash of the key so that the sidecar tree has no folder structure to collide with.
/// </summary>
internal sealed class ObjectFiles(string metaRoot, string tempRoot)
{
    private const int CopyBufferBytes = 81920;

    /// <summary>
    /// Writes <paramref name="stream"/> to its end, or <paramref name="bytes"/> when there is no stream, to a new
    /// temporary file flushed to disk; computes the size and S3-style ETag (MD5) on the way.
    /// </summary>
    public async Task<WrittenFile> WriteTempAsync(Stream? stream, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(tempRoot);
        var tempPath = Path.Combine(tempRoot, Guid.NewGuid().ToString("N"));
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long size = 0;
        try
        {
            await using var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            if (stream is null)
            {
                md5.AppendData(bytes.Span);
                await file.WriteAsync(bytes, cancellationToken);
                size = bytes.Length;
            }
            else
            {
                var buffer = new byte[CopyBufferBytes];
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    md5.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    size += read;
                }
            }

            file.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }

        return new WrittenFile(tempPath, size, Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    public void WriteMeta(string key, string contentType, string eTag)
    {
        Directory.CreateDirectory(metaRoot);
        Directory.CreateDirectory(tempRoot);
        var tempPath = Path.Combine(tempRoot, Guid.NewGuid().ToString("N") + ".meta");
        using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(Encoding.UTF8.GetBytes($"{contentType}\n{eTag}\n{key}\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(tempPath, MetaPath(key), overwrite: true);
    }

    /// <summary>The content type stored with the object, or null when there is no sidecar.</summary>
    public string? ReadContentType(string key)
    {
        try
        {
            var lines = File.ReadAllLines(MetaPath(key));
            return lines.Length >= 2 ? lines[0] : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void DeleteMeta(string key) => File.Delete(MetaPath(key));

    private string MetaPath(string key) =>
        Path.Combine(metaRoot, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
}
