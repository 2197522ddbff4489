using System.Security.Cryptography;
using System.Text;
using SdServerless.Core.Images;

namespace SdServerless.Local.Storage;

/// <summary>
/// The files behind a <see cref="DirectoryObjectStore"/> other than the objects themselves: temporary files
/// (written and flushed before they are moved into place) and the sidecars holding an object's content type and
/// ETag, named by a hash of the key so that the sidecar tree has no folder structure to collide with.
/// An object whose content type is the one its extension implies (<see cref="ImpliedContentType"/>: every JSON
/// document and image the pipeline writes) has no sidecar: each sidecar is one more file created, flushed and
/// replaced per write, and file creation is what the store's writes spend most of their time on.
/// </summary>
internal sealed class ObjectFiles(string metaRoot, string tempRoot)
{
    private const string DefaultContentType = "application/octet-stream";
    private const int CopyBufferBytes = 81920;

    /// <summary>The extensions outputs are stored with (<see cref="ImageFormat"/>), ".jpeg" beside ".jpg", and JSON.</summary>
    private static readonly Dictionary<string, string> ContentTypesByExtension =
        ImageFormat.All.Select(f => KeyValuePair.Create("." + f.Extension, f.ContentType))
            .Append(KeyValuePair.Create(".jpeg", ImageFormat.Jpeg.ContentType))
            .Append(KeyValuePair.Create(".json", "application/json"))
            .ToDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The content type an object has when it has no sidecar: from the key's extension, else the default.</summary>
    public static string ImpliedContentType(string key) =>
        ContentTypesByExtension.TryGetValue(Path.GetExtension(key), out var type) ? type : DefaultContentType;

    /// <summary>A fresh name in the temporary folder (which exists once this returns).</summary>
    public string NewTempPath()
    {
        Directory.CreateDirectory(tempRoot);
        return Path.Combine(tempRoot, Guid.NewGuid().ToString("N"));
    }

    /// <summary>The S3-style ETag of an object's bytes (MD5, hex), the same one a write computes.</summary>
    public static string ETagOf(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(MD5.HashData(content));

    /// <summary>
    /// Writes <paramref name="stream"/> to its end, or <paramref name="bytes"/> when there is no stream, to a new
    /// temporary file, flushed to disk when <paramref name="flush"/>; computes the size and S3-style ETag (MD5) on the way.
    /// </summary>
    public async Task<WrittenFile> WriteTempAsync(Stream? stream, ReadOnlyMemory<byte> bytes, bool flush, CancellationToken cancellationToken)
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

            file.Flush(flushToDisk: flush);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }

        return new WrittenFile(tempPath, size, Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    /// <summary>
    /// Records the content type of the object about to be written: a sidecar when it is not the implied one,
    /// otherwise no sidecar (an older one, from a write with another type, is removed).
    /// </summary>
    public void WriteMeta(string key, string contentType, string eTag, bool flush)
    {
        if (string.Equals(contentType, ImpliedContentType(key), StringComparison.OrdinalIgnoreCase))
        {
            DeleteMeta(key);
            return;
        }

        Directory.CreateDirectory(metaRoot);
        Directory.CreateDirectory(tempRoot);
        var tempPath = Path.Combine(tempRoot, Guid.NewGuid().ToString("N") + ".meta");
        using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(Encoding.UTF8.GetBytes($"{contentType}\n{eTag}\n{key}\n"));
            file.Flush(flushToDisk: flush);
        }

        File.Move(tempPath, MetaPath(key), overwrite: true);
    }

    /// <summary>The content type stored with the object: its sidecar's, else the one its key implies.</summary>
    public string ReadContentType(string key)
    {
        try
        {
            var lines = File.ReadAllLines(MetaPath(key));
            if (lines.Length >= 2)
            {
                return lines[0];
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
        }

        return ImpliedContentType(key);
    }

    public void DeleteMeta(string key)
    {
        try
        {
            File.Delete(MetaPath(key));
        }
        catch (DirectoryNotFoundException)
        {
            // No sidecar was ever written in this store.
        }
    }

    private string MetaPath(string key) =>
        Path.Combine(metaRoot, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
}
