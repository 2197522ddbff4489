using System.Net.Http.Headers;
using System.Text.Json;
using SdServerless.Lambda.Context;
using SdServerless.Lambda.Json;

namespace SdServerless.Lambda.Client;

/// <summary>HTTP client of the Lambda Runtime API at http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/.</summary>
public sealed class RuntimeApiClient(HttpClient httpClient) : IRuntimeApiClient
{
    /// <summary>Error type header of an invocation that threw (the Runtime API accepts any string).</summary>
    public const string UnhandledErrorType = "Unhandled";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeHeaderValue ErrorContentType = new(RuntimeApiHeaders.ErrorContentType);

    /// <param name="runtimeApi">The value of AWS_LAMBDA_RUNTIME_API: host and port.</param>
    public static RuntimeApiClient Create(string runtimeApi) => new(CreateHttpClient(runtimeApi));

    /// <summary>
    /// A client for the Runtime API at <paramref name="runtimeApi"/>: no proxy (the API is local to the sandbox) and no
    /// timeout, since waiting for the next event may last as long as the function is idle.
    /// </summary>
    public static HttpClient CreateHttpClient(string runtimeApi) => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/"),
        // runtime/invocation/next blocks until an event arrives, which may be long after the process was thawed.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <inheritdoc/>
    public async Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await httpClient.GetAsync("runtime/invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, "runtime/invocation/next", cancellationToken).ConfigureAwait(false);

        var requestId = Header(response, RuntimeApiHeaders.RequestId)
            ?? throw new InvalidOperationException($"runtime/invocation/next answered without {RuntimeApiHeaders.RequestId}.");
        var context = new LambdaContext(
            requestId,
            LambdaContext.ParseDeadline(Header(response, RuntimeApiHeaders.DeadlineMs)),
            Header(response, RuntimeApiHeaders.InvokedFunctionArn),
            Header(response, RuntimeApiHeaders.TraceId));
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(context, body);
    }

    /// <inheritdoc/>
    public async Task SendResponseAsync(string awsRequestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(response);
        content.Headers.ContentType = JsonContentType;
        var path = $"runtime/invocation/{Uri.EscapeDataString(awsRequestId)}/response";
        await PostAsync(path, content, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task ReportInvocationErrorAsync(string awsRequestId, ErrorReport error, CancellationToken cancellationToken) =>
        PostErrorAsync($"runtime/invocation/{Uri.EscapeDataString(awsRequestId)}/error", UnhandledErrorType, error, cancellationToken);

    /// <inheritdoc/>
    public Task ReportInitErrorAsync(string errorType, ErrorReport error, CancellationToken cancellationToken) =>
        PostErrorAsync("runtime/init/error", errorType, error, cancellationToken);

    private async Task PostErrorAsync(string path, string errorType, ErrorReport error, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(error, LambdaJsonContext.Default.ErrorReport);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = ErrorContentType;
        await PostAsync(path, content, cancellationToken, errorType).ConfigureAwait(false);
    }

    private async Task PostAsync(string path, HttpContent content, CancellationToken cancellationToken, string? errorType = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (errorType is not null)
        {
            request.Headers.Add(RuntimeApiHeaders.FunctionErrorType, errorType);
        }

        using var response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        // 400/403/413/500 come with {"errorMessage","errorType"}; pass it on, since it says what the runtime did wrong.
        var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new HttpRequestException(
            $"Runtime API {path} answered {(int)response.StatusCode}: {detail}", null, response.StatusCode);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
