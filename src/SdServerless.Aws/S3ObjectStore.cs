using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using SdServerless.Core.Storage;

namespace SdServerless.Aws;

/// <summary>
/// The object store port on S3. Object-created notifications come from S3 itself (bucket notifications), so this
/// type raises none. Unreachable S3, throttling and 5xx answers become <see cref="SdServerless.Core.DependencyUnavailableException"/>.
/// </summary>
public sealed class S3ObjectStore(IAmazonS3 s3, string bucketName) : IObjectStore
{
    private const string Service = "S3";
    private const int ConflictRetries = 5;

    /// <inheritdoc/>
    public string BucketName { get; } = bucketName;

    /// <inheritdoc/>
    public Task<string?> TryCreateAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync<string?>(Service, async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // S3 conditional write: 412 when an object already has the key.
                    using var stream = new MemoryStream(content.ToArray(), writable: false);
                    var created = await s3.PutObjectAsync(NewPut(key, stream, contentType, ifNoneMatch: "*"), cancellationToken);
                    return created.ETag;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    return null;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Conflict && attempt < ConflictRetries)
                {
                    // ConditionalRequestConflict: another conditional write of the key is in progress; ask again.
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken);
                }
            }
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> TryReplaceAsync(string key, ReadOnlyMemory<byte> content, string contentType, string eTag, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            try
            {
                // S3 conditional write: 412 when the object is no longer this version, 404 when it is gone. A 409
                // (another conditional write of the key in progress) means someone else is changing it: we lost.
                using var stream = new MemoryStream(content.ToArray(), writable: false);
                var put = NewPut(key, stream, contentType, ifNoneMatch: null);
                put.IfMatch = eTag;
                await s3.PutObjectAsync(put, cancellationToken);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            {
                return false;
            }
        }, cancellationToken);

    /// <inheritdoc/>
    public Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            // The SDK needs a length (and may need to rewind on a retry): buffer streams that cannot seek.
            if (content.CanSeek)
            {
                await s3.PutObjectAsync(NewPut(key, content, contentType, ifNoneMatch: null), cancellationToken);
                return true;
            }

            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            await s3.PutObjectAsync(NewPut(key, buffer, contentType, ifNoneMatch: null), cancellationToken);
            return true;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            try
            {
                await s3.CopyObjectAsync(
                    new CopyObjectRequest { SourceBucket = BucketName, SourceKey = sourceKey, DestinationBucket = BucketName, DestinationKey = destinationKey },
                    cancellationToken);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            try
            {
                using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = BucketName, Key = key }, cancellationToken);
                using var content = response.ContentLength > 0 ? new MemoryStream((int)response.ContentLength) : new MemoryStream();
                await response.ResponseStream.CopyToAsync(content, cancellationToken);
                return new StoredObject(key, content.ToArray(), response.Headers.ContentType ?? "application/octet-stream", response.ETag ?? "");
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchKey" or null)
            {
                return (StoredObject?)null;
            }
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ObjectInfo>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            var objects = new List<ObjectInfo>();
            var request = new ListObjectsV2Request { BucketName = BucketName, Prefix = prefix };
            ListObjectsV2Response response;
            do
            {
                response = await s3.ListObjectsV2Async(request, cancellationToken);
                foreach (var item in response.S3Objects ?? [])
                {
                    objects.Add(new ObjectInfo(item.Key, item.Size ?? 0));
                }

                request.ContinuationToken = response.NextContinuationToken;
            }
            while (response.IsTruncated == true);

            return (IReadOnlyList<ObjectInfo>)objects;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ObjectInfo>> ListPageAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            var request = new ListObjectsV2Request { BucketName = BucketName, Prefix = prefix, StartAfter = startAfter, MaxKeys = maxKeys };
            var response = await s3.ListObjectsV2Async(request, cancellationToken);
            return (IReadOnlyList<ObjectInfo>)[.. (response.S3Objects ?? []).Select(item => new ObjectInfo(item.Key, item.Size ?? 0))];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = BucketName, Key = key }, cancellationToken);
            return true;
        }, cancellationToken);

    private PutObjectRequest NewPut(string key, Stream content, string contentType, string? ifNoneMatch)
    {
        var request = new PutObjectRequest
        {
            BucketName = BucketName,
            Key = key,
            InputStream = content,
            AutoCloseStream = false,
            ContentType = contentType,
        };
        if (ifNoneMatch is not null)
        {
            request.IfNoneMatch = ifNoneMatch;
        }

        return request;
    }
}
