namespace SdServerless.Functions.Dispatch;

/// <summary>Fetches a URL input (image_link, init_images, mask, image) under the API's URL rules (docs/api.md).</summary>
public interface IInputDownloader
{
    /// <summary>
    /// The downloaded image. Throws <see cref="DispatchFailure"/>: permanent for a refused address, a missing or
    /// oversized input, or bytes that are not PNG, JPEG, WebP or GIF; transient when the input host is unreachable or busy.
    /// </summary>
    Task<ReadOnlyMemory<byte>> DownloadAsync(string url, string field, CancellationToken cancellationToken);
}
