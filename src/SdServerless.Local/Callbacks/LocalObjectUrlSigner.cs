using SdServerless.Core.Storage;

namespace SdServerless.Local.Callbacks;

/// <summary>
/// Image links of the local host: <c>{baseUrl}/objects/{key}</c>, served by
/// <see cref="ObjectDownloadEndpoints.MapObjectDownloads"/>. Without an API key they do not expire (the host serves
/// its own data to anyone who can reach it); with one they carry an expiring signature (<see cref="ObjectLinkSignature"/>).
/// </summary>
public sealed class LocalObjectUrlSigner(Uri baseUrl, ObjectLinkSignature? signature = null, TimeProvider? clock = null) : IObjectUrlSigner
{
    private readonly string _prefix = baseUrl.AbsoluteUri.TrimEnd('/') + ObjectDownloadEndpoints.RoutePrefix;

    /// <inheritdoc/>
    public Uri GetReadUrl(string key, TimeSpan lifetime)
    {
        var url = _prefix + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return signature is null
            ? new Uri(url)
            : new Uri(url + "?" + signature.Query(key, (clock ?? TimeProvider.System).GetUtcNow() + lifetime));
    }
}
