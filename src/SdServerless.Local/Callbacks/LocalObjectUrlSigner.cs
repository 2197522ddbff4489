using SdServerless.Core.Storage;

namespace SdServerless.Local.Callbacks;

/// <summary>
/// Image links of the local host: <c>{baseUrl}/objects/{key}</c>, served by
/// <see cref="ObjectDownloadEndpoints.MapObjectDownloads"/>. They do not expire: the host serves its own data.
/// </summary>
public sealed class LocalObjectUrlSigner(Uri baseUrl) : IObjectUrlSigner
{
    private readonly string _prefix = baseUrl.AbsoluteUri.TrimEnd('/') + ObjectDownloadEndpoints.RoutePrefix;

    public Uri GetReadUrl(string key, TimeSpan lifetime) =>
        new(_prefix + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)));
}
