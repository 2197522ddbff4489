using System.Net.Sockets;
using SdServerless.Functions.Json;
using SdServerless.UnitTests.Api;

namespace SdServerless.UnitTests.Reliability;

/// <summary>
/// The real API handler over in-memory ports, with a fixed DNS table so that URL checks are deterministic and offline:
/// <see cref="PublicHost"/> resolves to a public address, <see cref="PrivateHost"/> to 10.0.0.7,
/// <see cref="RebindingHost"/> to a public and a loopback address; other names do not resolve.
/// Bodies go in as raw bytes (base64 in the event, as API Gateway sends binary), so invalid UTF-8 reaches the handler.
/// </summary>
internal sealed class HostileApiHarness
{
    public const string PublicHost = "images.example.com";
    public const string PrivateHost = "internal.example.net";
    public const string RebindingHost = "rebind.example.net";

    private static readonly Dictionary<string, IPAddress[]> Dns = new(StringComparer.OrdinalIgnoreCase)
    {
        [PublicHost] = [IPAddress.Parse("93.184.215.14")],
        ["hooks.example.com"] = [IPAddress.Parse("93.184.215.15")],
        [PrivateHost] = [IPAddress.Parse("10.0.0.7")],
        [RebindingHost] = [IPAddress.Parse("93.184.215.16"), IPAddress.Loopback],
    };

    private readonly ApiTestHost _host;

    public HostileApiHarness(bool allowHttp = false) =>
        _host = new ApiTestHost(new SdServerlessOptions { AllowHttp = allowHttp }, ResolveAsync);

    public SdServerlessOptions Options => _host.Options;

    public InMemoryObjectStore Store => _host.Store;

    public InMemoryTaskQueue Queue => _host.Queue;

    public ApiHandler Handler => _host.Handler;

    public static Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));

    public Task<ApiGatewayProxyResponse> PostAsync(string path, string body) => PostAsync(path, Encoding.UTF8.GetBytes(body));

    public Task<ApiGatewayProxyResponse> PostAsync(string path, byte[] body)
    {
        var request = ApiTestHost.LoadEvent("apigw-rest-post.json", FunctionsJsonContext.Default.ApiGatewayProxyRequest);
        request.HttpMethod = "POST";
        request.Path = path;
        request.Body = Convert.ToBase64String(body);
        request.IsBase64Encoded = true;
        request.Headers!["Content-Type"] = "application/json";
        request.MultiValueHeaders!.Remove("Content-Type");
        return Handler.HandleRestAsync(request, CancellationToken.None);
    }

    public Task<ApiGatewayProxyResponse> GetAsync(string path)
    {
        var request = ApiTestHost.LoadEvent("apigw-rest-get-status.json", FunctionsJsonContext.Default.ApiGatewayProxyRequest);
        request.Path = path;
        return Handler.HandleRestAsync(request, CancellationToken.None);
    }

    /// <summary>The request.json the API stored for an accepted task.</summary>
    public async Task<TaskRecord> RecordAsync(string id)
    {
        var stored = await Store.GetAsync(TaskKeys.Request(id), CancellationToken.None);
        Assert.NotNull(stored);
        return System.Text.Json.JsonSerializer.Deserialize(stored.Content.Span, CoreJsonContext.Default.TaskRecord)!;
    }

    public static IReadOnlyList<string> ErrorFields(ApiGatewayProxyResponse response) =>
        JsonNode.Parse(response.Body!)!["errors"]?.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList() ?? [];
}
