namespace SdServerless.Core.Storage;

/// <summary>Links a webhook receiver can GET: presigned HTTPS URLs on AWS, URLs the local host serves.</summary>
public interface IObjectUrlSigner
{
    Uri GetReadUrl(string key, TimeSpan lifetime);
}
