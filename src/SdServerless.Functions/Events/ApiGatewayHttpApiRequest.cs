using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>API Gateway HTTP API event (payload format 2.0).</summary>
public sealed class ApiGatewayHttpApiRequest
{
    /// <summary><c>version</c>: always "2.0", which tells this event from a REST one.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary><c>routeKey</c>: the route that matched, e.g. "GET /v1alpha2/tasks/{id}", or $default.</summary>
    [JsonPropertyName("routeKey")]
    public string? RouteKey { get; set; }

    /// <summary><c>rawPath</c>: the request path, with the stage in front unless it is $default; the API strips it.</summary>
    [JsonPropertyName("rawPath")]
    public string? RawPath { get; set; }

    /// <summary><c>rawQueryString</c>: the query as sent, without the '?'.</summary>
    [JsonPropertyName("rawQueryString")]
    public string? RawQueryString { get; set; }

    /// <summary><c>cookies</c>: the Cookie header's cookies, which payload 2.0 moves out of the headers.</summary>
    [JsonPropertyName("cookies")]
    public List<string>? Cookies { get; set; }

    /// <summary>Header names are lower-cased; repeated headers are joined with commas.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary><c>queryStringParameters</c>: the query, repeated names' values joined with commas.</summary>
    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    /// <summary><c>pathParameters</c>: the values of the route's {placeholders}.</summary>
    [JsonPropertyName("pathParameters")]
    public Dictionary<string, string>? PathParameters { get; set; }

    /// <summary><c>stageVariables</c>: the stage's variables; the API uses none.</summary>
    [JsonPropertyName("stageVariables")]
    public Dictionary<string, string>? StageVariables { get; set; }

    /// <summary><c>requestContext</c>: which API, stage and route, and the HTTP request line.</summary>
    [JsonPropertyName("requestContext")]
    public HttpApiRequestContext? RequestContext { get; set; }

    /// <summary><c>body</c>: text, or base64 when <see cref="IsBase64Encoded"/>.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary><c>isBase64Encoded</c>: whether <see cref="Body"/> is base64 (any body that is not text).</summary>
    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    /// <summary>The requestContext of an HTTP API event: the API, stage and route.</summary>
    public sealed class HttpApiRequestContext
    {
        /// <summary><c>accountId</c>: the AWS account of the API.</summary>
        [JsonPropertyName("accountId")]
        public string? AccountId { get; set; }

        /// <summary><c>apiId</c>: the HTTP API's id.</summary>
        [JsonPropertyName("apiId")]
        public string? ApiId { get; set; }

        /// <summary><c>domainName</c>: the host name the client called.</summary>
        [JsonPropertyName("domainName")]
        public string? DomainName { get; set; }

        /// <summary><c>requestId</c>: API Gateway's id of the request, which its logs carry.</summary>
        [JsonPropertyName("requestId")]
        public string? RequestId { get; set; }

        /// <summary><c>routeKey</c>: the route that matched.</summary>
        [JsonPropertyName("routeKey")]
        public string? RouteKey { get; set; }

        /// <summary><c>stage</c>: the stage, $default when the API has only one.</summary>
        [JsonPropertyName("stage")]
        public string? Stage { get; set; }

        /// <summary><c>time</c>: when API Gateway received the request, as text (dd/MMM/yyyy:HH:mm:ss +0000).</summary>
        [JsonPropertyName("time")]
        public string? Time { get; set; }

        /// <summary><c>timeEpoch</c>: the same instant in Unix epoch milliseconds.</summary>
        [JsonPropertyName("timeEpoch")]
        public long TimeEpoch { get; set; }

        /// <summary><c>http</c>: the request line and the caller.</summary>
        [JsonPropertyName("http")]
        public HttpDescription? Http { get; set; }
    }

    /// <summary>The requestContext.http of an HTTP API event: the request line and the caller.</summary>
    public sealed class HttpDescription
    {
        /// <summary><c>method</c>: the request's method.</summary>
        [JsonPropertyName("method")]
        public string? Method { get; set; }

        /// <summary><c>path</c>: the request path.</summary>
        [JsonPropertyName("path")]
        public string? Path { get; set; }

        /// <summary><c>protocol</c>: the HTTP version, e.g. HTTP/1.1.</summary>
        [JsonPropertyName("protocol")]
        public string? Protocol { get; set; }

        /// <summary><c>sourceIp</c>: the client's address.</summary>
        [JsonPropertyName("sourceIp")]
        public string? SourceIp { get; set; }

        /// <summary><c>userAgent</c>: the client's User-Agent.</summary>
        [JsonPropertyName("userAgent")]
        public string? UserAgent { get; set; }
    }
}
