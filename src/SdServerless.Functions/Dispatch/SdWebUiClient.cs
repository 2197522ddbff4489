using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SdServerless.Core.Json;
using SdServerless.Core.SdWebUi;
using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>
/// Talks to SD Web UI servers: one pooled HttpClient for every endpoint, a short connect timeout, and reads bounded
/// only by the caller's token (the invocation's deadline): SD Web UI has no server-side generation timeout.
/// Failures come out as <see cref="DispatchFailure"/>, transient or permanent. It asks for no compression: SD Web UI
/// gzips at level 9 in its event loop, which costs more than moving megabytes of base64 over the pool's network.
/// </summary>
public sealed class SdWebUiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly Func<string, string?> _apiAuth;

    /// <summary>A client that connects within the settings' timeout and follows no redirect.</summary>
    /// <param name="settings">The connect timeout.</param>
    /// <param name="apiAuth">The "user:password" of an endpoint started with --api-auth, or null (see <see cref="SdWebUiCredentials"/>).</param>
    public SdWebUiClient(DispatcherOptions settings, Func<string, string?>? apiAuth = null)
        : this(new SocketsHttpHandler
        {
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        }, apiAuth)
    {
    }

    /// <summary>For tests: any handler, e.g. a fake SD Web UI.</summary>
    public SdWebUiClient(HttpMessageHandler handler, Func<string, string?>? apiAuth = null)
    {
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _apiAuth = apiAuth ?? (_ => null);
    }

    /// <summary>The checkpoints on the server's disk (GET /sdapi/v1/sd-models).</summary>
    public async Task<IReadOnlyList<SdWebUiModel>> GetModelsAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(endpoint, new HttpRequestMessage(HttpMethod.Get, Url(endpoint, SdWebUiPaths.Models)), cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(stream, CoreJsonContext.Default.ListSdWebUiModel, cancellationToken) ?? [];
    }

    /// <summary>The server's settings (GET /sdapi/v1/options); empty when it answers something else than an object.</summary>
    public async Task<JsonObject> GetOptionsAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(endpoint, new HttpRequestMessage(HttpMethod.Get, Url(endpoint, SdWebUiPaths.Options)), cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken) as JsonObject ?? [];
    }

    /// <summary>
    /// The server's progress on the job it runs now (SD Web UI reports one job: the one its GPU samples):
    /// the share done (0..1) and its estimate of the seconds left.
    /// </summary>
    public async Task<(double Progress, double? EtaSeconds)> GetProgressAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(endpoint, new HttpRequestMessage(HttpMethod.Get, Url(endpoint, SdWebUiPaths.Progress + "?skip_current_image=true")), cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var body = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        var progress = body?["progress"] is JsonValue p && p.TryGetValue<double>(out var share) ? share : 0;
        double? eta = body?["eta_relative"] is JsonValue e && e.TryGetValue<double>(out var seconds) ? seconds : null;
        return (Math.Clamp(progress, 0, 1), eta);
    }
    /// <summary>options.sd_model_checkpoint, or null when the options do not say.</summary>
    public static string? LoadedModel(JsonObject options) =>
        options["sd_model_checkpoint"] is JsonValue value && value.TryGetValue<string>(out var model) ? model : null;

    /// <summary>
    /// The sha256 of the checkpoint a server has loaded (options.sd_checkpoint_hash), or null when it does not say.
    /// options.sd_model_checkpoint is no guide: after a request's override it shows the default again, not what is loaded.
    /// </summary>
    public async Task<string?> GetLoadedCheckpointHashAsync(string endpoint, CancellationToken cancellationToken) =>
        (await GetOptionsAsync(endpoint, cancellationToken))["sd_checkpoint_hash"] is JsonValue value && value.TryGetValue<string>(out var hash) && hash.Length > 0
            ? hash
            : null;

    /// <summary>Makes the server re-read its checkpoint folder (it waits for the server's current job).</summary>
    public async Task RefreshCheckpointsAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(endpoint, new HttpRequestMessage(HttpMethod.Post, Url(endpoint, SdWebUiPaths.RefreshCheckpoints)), cancellationToken);
    }

    /// <summary>Stops whatever job the server runs now: only for the holder of the lease whose request that is.</summary>
    public async Task InterruptAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(endpoint, new HttpRequestMessage(HttpMethod.Post, Url(endpoint, SdWebUiPaths.Interrupt)), cancellationToken);
    }

    /// <summary>POSTs the request body to the task type's route and streams the images of the answer into <paramref name="sink"/>.</summary>
    /// <param name="endpoint">The server's base URL.</param>
    /// <param name="taskType">Which route: txt2img, img2img or extras.</param>
    /// <param name="body">The request JSON, inputs already resolved.</param>
    /// <param name="sink">Stores each image as it is decoded, so that the whole answer is never held at once.</param>
    /// <param name="cancellationToken">The generation's deadline.</param>
    /// <param name="answering">
    /// Called once the server has started a successful answer: its GPU is done with this request (SD Web UI samples
    /// under its queue lock and encodes the images after it), so the caller can hand the server the next request while
    /// this answer is still read and stored.
    /// </param>
    public async Task<SdWebUiResponse> GenerateAsync(
        string endpoint,
        TaskType taskType,
        ReadOnlyMemory<byte> body,
        SdWebUiResponseReader.ImageSink sink,
        CancellationToken cancellationToken,
        Action? answering = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url(endpoint, SdWebUiPaths.For(taskType)))
        {
            Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = JsonMediaType } },
        };
        using var response = await SendAsync(endpoint, request, cancellationToken);
        answering?.Invoke();
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await SdWebUiResponseReader.ReadAsync(stream, sink, cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw DispatchFailure.Transient(DispatchErrorTypes.PoolUnavailable, $"the connection to SD Web UI broke while reading its answer ({Cause(e)})", e);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw DispatchFailure.Transient(DispatchErrorTypes.PoolTimeout, "SD Web UI did not finish before the deadline", e);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw DispatchFailure.Permanent(DispatchErrorTypes.SdWebUiError, $"SD Web UI answered with an unreadable body: {e.Message}", e);
        }
    }

    /// <summary>Closes the connections.</summary>
    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Why a call failed, without the server's address (a connection error's message names it, and these messages
    /// reach result.json and the webhook). The task's log line "sent to" names the server.
    /// </summary>
    private static string Cause(Exception e) => e switch
    {
        { InnerException: System.Net.Sockets.SocketException socket } => $"connection: {socket.SocketErrorCode}",
        HttpRequestException http => $"HTTP: {http.HttpRequestError}",
        _ => e.GetType().Name,
    };

    private static Uri Url(string endpoint, string path) => new(endpoint.TrimEnd('/') + path);

    /// <summary>Sends and returns a 2xx response; anything else becomes a classified <see cref="DispatchFailure"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(string endpoint, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        if (_apiAuth(endpoint) is { } credentials)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        try
        {
            using (request)
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw DispatchFailure.Transient(DispatchErrorTypes.PoolTimeout, "SD Web UI did not answer before the deadline", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            throw DispatchFailure.Transient(DispatchErrorTypes.PoolUnavailable, $"SD Web UI is unreachable ({Cause(e)})", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var detail = await SdWebUiErrorBody.ReadAsync(response, cancellationToken);
            throw SdWebUiErrorBody.Classify(response.StatusCode, detail);
        }
    }
}
