using Amazon.S3;
using Amazon.S3.Model;
using SdServerless.Core.Storage;

namespace SdServerless.Aws;

/// <summary>Presigned GET URLs for the webhook's image links: HTTPS on AWS, the endpoint's own scheme on an S3-compatible server.</summary>
public sealed class S3ObjectUrlSigner(IAmazonS3 s3, string bucketName) : IObjectUrlSigner
{
    /// <summary>S3 refuses presigned URLs that live longer than seven days.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    /// <inheritdoc/>
    /// <remarks>A lifetime beyond <see cref="MaxLifetime"/> is cut to it.</remarks>
    public Uri GetReadUrl(string key, TimeSpan lifetime)
    {
        var serviceUrl = s3.Config.ServiceURL;
        var protocol = serviceUrl is not null && serviceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? Protocol.HTTP
            : Protocol.HTTPS;
        var url = s3.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = bucketName,
            Key = key,
            Verb = HttpVerb.GET,
            Protocol = protocol,
            Expires = DateTime.UtcNow + (lifetime < MaxLifetime ? lifetime : MaxLifetime),
        });
        return new Uri(url);
    }
}
