using SdServerless.Core.Net;
using SdServerless.Functions.Json;

namespace SdServerless.UnitTests.Api;

/// <summary>The real API handler over in-memory ports, fed with API Gateway event files through the real serializer.</summary>
internal sealed class ApiTestHost
{
    /// <param name="resolve">
    /// The DNS the URL checks use (default: every name resolves to one public address, as the sample requests' hosts do
    /// on a connected machine, so that no test asks the machine's DNS and the answer is the same offline).
    /// </param>
    /// <param name="queuePositions">Where a queued task stands, as the local host tells it (default: unknown, as on AWS).</param>
    public ApiTestHost(
        SdServerlessOptions? options = null,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null,
        TimeProvider? clock = null,
        InMemoryObjectStore? store = null,
        Func<string, CancellationToken, Task<long?>>? queuePositions = null)
    {
        Store = store ?? new InMemoryObjectStore();
        Options = options ?? new SdServerlessOptions();
        var catalog = RuntimeCatalog.Default(["http://sdwebui.internal:7861"]);
        Options.Runtimes = catalog.Runtimes;
        var statusReader = new TaskStatusReader(Store, queuePositions);
        Handler = new ApiHandler(
            new TaskParser(catalog, new UrlPolicy(Options.AllowHttp, Options.AllowPrivateNetwork, resolve ?? PublicDns)),
            new TaskSubmission(Store, TaskQueues.Single(Queue), Options, clock ?? TimeProvider.System, NullLogger<TaskSubmission>.Instance),
            statusReader,
            new TaskCancellation(Store, statusReader, TimeProvider.System),
            new TaskListing(Store, statusReader),
            Options,
            NullLogger<ApiHandler>.Instance);
    }

    public SdServerlessOptions Options { get; }

    public InMemoryObjectStore Store { get; }

    public InMemoryTaskQueue Queue { get; } = new();

    public ApiHandler Handler { get; }

    public static string Seed(string name) => TestDataFiles.Seed(name);

    public Task<ApiGatewayProxyResponse> PostAsync(string path, string body, string? contentType = "application/json", string? apiKey = null) =>
        SendAsync("POST", path, body, contentType, apiKey);

    public Task<ApiGatewayProxyResponse> SendAsync(string method, string path, string body, string? contentType = "application/json", string? apiKey = null)
    {
        var request = LoadEvent<ApiGatewayProxyRequest>("apigw-rest-post.json", FunctionsJsonContext.Default.ApiGatewayProxyRequest);
        request.HttpMethod = method;
        request.Path = path;
        request.Body = body;
        request.Headers!.Remove("Content-Type");
        request.MultiValueHeaders!.Remove("Content-Type");
        request.Headers.Remove("x-api-key");
        request.MultiValueHeaders.Remove("x-api-key");
        if (contentType is not null)
        {
            request.Headers["Content-Type"] = contentType;
        }

        if (apiKey is not null)
        {
            request.Headers["x-api-key"] = apiKey;
        }

        return Handler.HandleRestAsync(request, CancellationToken.None);
    }

    public Task<ApiGatewayProxyResponse> GetStatusAsync(string id)
    {
        var request = LoadEvent<ApiGatewayProxyRequest>("apigw-rest-get-status.json", FunctionsJsonContext.Default.ApiGatewayProxyRequest);
        request.Path = "/v1alpha2/tasks/" + id;
        return Handler.HandleRestAsync(request, CancellationToken.None);
    }

    /// <summary>Any method on a path that may carry a query string ("/v1alpha2/tasks?limit=5").</summary>
    public Task<ApiGatewayProxyResponse> CallAsync(string method, string pathAndQuery)
    {
        var request = LoadEvent<ApiGatewayProxyRequest>("apigw-rest-get-status.json", FunctionsJsonContext.Default.ApiGatewayProxyRequest);
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        request.HttpMethod = method;
        request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        request.QueryStringParameters = query < 0 ? null : pathAndQuery[(query + 1)..].Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => Uri.UnescapeDataString(pair.Length > 1 ? pair[1] : ""));
        return Handler.HandleRestAsync(request, CancellationToken.None);
    }

    public static T LoadEvent<T>(string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(TestDataFiles.Event(file), typeInfo)!;

    public static JsonObject Body(ApiGatewayProxyResponse response) => JsonNode.Parse(response.Body!)!.AsObject();

    public static IReadOnlyList<string> ErrorFields(ApiGatewayProxyResponse response) =>
        Body(response)["errors"]?.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList() ?? [];

    private static Task<IPAddress[]> PublicDns(string host, CancellationToken ct) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34") });
}
