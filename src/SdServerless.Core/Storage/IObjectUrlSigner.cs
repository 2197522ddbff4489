namespace SdServerless.Core.Storage;

/// <summary>Links a webhook receiver can GET: presigned HTTPS URLs on AWS, URLs the local host serves.</summary>
public interface IObjectUrlSigner
{
    /// <summary>A URL that reads the object <paramref name="key"/> without other credentials, valid for <paramref name="lifetime"/>.</summary>
    /// <param name="key">The object's key in the bucket.</param>
    /// <param name="lifetime">How long the link works; a receiver that fetches later gets an error.</param>
    Uri GetReadUrl(string key, TimeSpan lifetime);
}
