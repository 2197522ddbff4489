using System.Net;
using SdServerless.Core.Configuration;
using SdServerless.Core.Images;
using SdServerless.Core.Net;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Downloads URL inputs under the API's URL rules (docs/api.md): each hop's URL is checked (https, or http where allowed;
/// no credentials), the connection is refused at connect time when the address actually dialled is not public
/// (<see cref="GuardedHttpHandler"/>: DNS rebinding gains nothing), at most <see cref="DispatcherOptions.MaxRedirects"/>
/// redirects are followed, the whole download has a timeout, the body is cut off once it passes
/// <see cref="SdServerlessOptions.MaxInputBytes"/>, and only PNG, JPEG, WebP and GIF bytes are accepted.
/// Memory follows the bytes that arrive, not the length a server announces, and at most
/// <see cref="MaxConcurrentDownloads"/> downloads run at once in the process, however many tasks want one.
/// </summary>
public sealed class HttpInputDownloader : IInputDownloader, IDisposable
{
    /// <summary>Downloads in flight in the process: enough to overlap a few inputs, few enough to bound their memory.</summary>
    public const int MaxConcurrentDownloads = 4;

    /// <summary>The first buffer of a body: an announced length larger than this is believed only as bytes arrive.</summary>
    private const int InitialBufferBytes = 256 * 1024;

    private readonly SemaphoreSlim _slots = new(MaxConcurrentDownloads, MaxConcurrentDownloads);
    private readonly HttpClient _http;
    private readonly UrlPolicy _policy;
    private readonly SdServerlessOptions _options;
    private readonly DispatcherOptions _settings;

    /// <summary>A downloader whose connections are checked against the address policy at connect time.</summary>
    /// <param name="options">The address policy (AllowHttp, AllowPrivateNetwork) and the size limits.</param>
    /// <param name="settings">Timeouts and the redirect limit.</param>
    public HttpInputDownloader(SdServerlessOptions options, DispatcherOptions settings)
        : this(options, settings, CreateHandler(options, settings))
    {
    }

    /// <summary>For tests: a handler of the test's choosing (still subject to the URL syntax rules and limits).</summary>
    public HttpInputDownloader(SdServerlessOptions options, DispatcherOptions settings, HttpMessageHandler handler)
    {
        _options = options;
        _settings = settings;
        _policy = new UrlPolicy(options.AllowHttp, options.AllowPrivateNetwork);
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc/>
    public async Task<ReadOnlyMemory<byte>> DownloadAsync(string url, string field, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await DownloadOneAsync(url, field, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<ReadOnlyMemory<byte>> DownloadOneAsync(string url, string field, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.InputTimeout);
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            // Messages end up in result.json and logs: a presigned URL's query (its signature) never does.
            var shownUrl = UrlRedaction.ForDisplay(url);
            var shownCurrent = UrlRedaction.ForDisplay(current);
            if (_policy.CheckSyntax(current) is { } problem)
            {
                var what = redirects == 0 ? $"{field} {shownCurrent}" : $"{field} {shownUrl} redirects to {shownCurrent}, which";
                throw DispatchFailure.Permanent(DispatchErrorTypes.InputAddressRefused, $"{what} {problem}");
            }

            var source = redirects == 0 ? $"{field} {shownUrl}" : $"{field} {shownUrl} (redirected to {shownCurrent})";
            using var response = await SendAsync(current, source, timeout.Token, cancellationToken);
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                if (redirects == _settings.MaxRedirects)
                {
                    throw DispatchFailure.Permanent(DispatchErrorTypes.InputUnavailable, $"{field} {shownUrl} redirects more than {_settings.MaxRedirects} times");
                }

                current = new Uri(new Uri(current), location).AbsoluteUri;
                continue;
            }

            var code = (int)response.StatusCode;
            if (code is 408 or 429 or >= 500)
            {
                throw DispatchFailure.Transient(DispatchErrorTypes.InputUnavailable, $"{source} answered {code}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw DispatchFailure.Permanent(DispatchErrorTypes.InputUnavailable, $"{source} answered {code}");
            }

            var bytes = await ReadLimitedAsync(response, source, timeout.Token, cancellationToken);
            if (ImageFormatSniffer.Detect(bytes.Span) is not { IsInputImage: true })
            {
                throw DispatchFailure.Permanent(
                    DispatchErrorTypes.InputNotImage,
                    $"{source} is not a PNG, JPEG, WebP or GIF image (Content-Type {response.Content.Headers.ContentType?.MediaType ?? "none"})");
            }

            return bytes;
        }
    }

    /// <summary>Closes the connections.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
    }

    private static SocketsHttpHandler CreateHandler(SdServerlessOptions options, DispatcherOptions settings)
    {
        // Redirects are followed here, not by the handler, so that each hop's URL is checked as well as its address.
        var handler = GuardedHttpHandler.Create(options.AllowPrivateNetwork ? _ => true : UrlPolicy.IsPublic, maxRedirects: 0);
        handler.ConnectTimeout = settings.ConnectTimeout;
        handler.AutomaticDecompression = DecompressionMethods.None;
        return handler;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private async Task<HttpResponseMessage> SendAsync(string url, string source, CancellationToken timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout);
        }
        catch (Exception e) when (BlockedAddressException.FindIn(e) is { } blocked)
        {
            throw DispatchFailure.Permanent(DispatchErrorTypes.InputAddressRefused, $"{source}: {blocked.Message}", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw DispatchFailure.Transient(DispatchErrorTypes.InputUnavailable, $"{source} could not be fetched: {e.Message}", e);
        }
    }

    /// <summary>Reads the body into one buffer, refusing it as soon as it passes the limit (announced or streamed).</summary>
    private async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(
        HttpResponseMessage response, string source, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var limit = _options.MaxInputBytes;
        var tooLarge = DispatchFailure.Permanent(DispatchErrorTypes.InputTooLarge, $"{source} is larger than {limit} bytes");
        var announced = response.Content.Headers.ContentLength;
        if (announced > limit)
        {
            throw tooLarge;
        }

        var buffer = new byte[(int)Math.Min(announced is > 0 ? Math.Min(announced.Value + 1, InitialBufferBytes) : 64 * 1024, limit + 1)];
        var length = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(timeout);
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw tooLarge;
                    }

                    Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, 4096), limit + 1));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), timeout);
                if (read == 0)
                {
                    return buffer.AsMemory(0, length);
                }

                length += read;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw DispatchFailure.Transient(DispatchErrorTypes.InputUnavailable, $"{source} broke off while downloading: {e.Message}", e);
        }
    }
}
