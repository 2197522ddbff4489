using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>API Gateway HTTP API event (payload format 2.0).</summary>
public sealed class ApiGatewayHttpApiRequest
{
    /// <summary>"2.0": what tells this event from a REST one.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary>The route that matched, e.g. "GET /v1alpha2/tasks/{id}", or $default.</summary>
    [JsonPropertyName("routeKey")]
    public string? RouteKey { get; set; }

    /// <summary>The request path the API routes on, stage included unless it is $default (then stripped).</summary>
    [JsonPropertyName("rawPath")]
    public string? RawPath { get; set; }

    /// <summary>The query as sent, without the '?'.</summary>
    [JsonPropertyName("rawQueryString")]
    public string? RawQueryString { get; set; }

    /// <summary>The Cookie header's cookies, which payload 2.0 moves out of the headers.</summary>
    [JsonPropertyName("cookies")]
    public List<string>? Cookies { get; set; }

    /// <summary>Header names are lower-cased; repeated headers are joined with commas.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>The query, repeated names' values joined with commas.</summary>
    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    /// <summary>The values of the route's {placeholders}.</summary>
    [JsonPropertyName("pathParameters")]
    public Dictionary<string, string>? PathParameters { get; set; }

    /// <summary>The stage's variables; the API uses none.</summary>
    [JsonPropertyName("stageVariables")]
    public Dictionary<string, string>? StageVariables { get; set; }

    /// <summary>Which API, stage and route, and the HTTP request line.</summary>
    [JsonPropertyName("requestContext")]
    public HttpApiRequestContext? RequestContext { get; set; }

    /// <summary>The body: text, or base64 when <see cref="IsBase64Encoded"/>.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary>Whether <see cref="Body"/> is base64 (any body that is not text).</summary>
    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    /// <summary>The requestContext of an HTTP API event: the API, stage and route.</summary>
    public sealed class HttpApiRequestContext
    {
        /// <summary>The AWS account of the API.</summary>
        [JsonPropertyName("accountId")]
        public string? AccountId { get; set; }

        /// <summary>The HTTP API's id.</summary>
        [JsonPropertyName("apiId")]
        public string? ApiId { get; set; }

        /// <summary>The host name the client called.</summary>
        [JsonPropertyName("domainName")]
        public string? DomainName { get; set; }

        /// <summary>API Gateway's id of the request, which its logs carry.</summary>
        [JsonPropertyName("requestId")]
        public string? RequestId { get; set; }

        /// <summary>The route that matched.</summary>
        [JsonPropertyName("routeKey")]
        public string? RouteKey { get; set; }

        /// <summary>The stage, $default when the API has only one.</summary>
        [JsonPropertyName("stage")]
        public string? Stage { get; set; }

        /// <summary>When API Gateway received the request, as text (dd/MMM/yyyy:HH:mm:ss +0000).</summary>
        [JsonPropertyName("time")]
        public string? Time { get; set; }

        /// <summary>The same instant in Unix epoch milliseconds.</summary>
        [JsonPropertyName("timeEpoch")]
        public long TimeEpoch { get; set; }

        /// <summary>The request line and the caller.</summary>
        [JsonPropertyName("http")]
        public HttpDescription? Http { get; set; }
    }

    /// <summary>The requestContext.http of an HTTP API event: the request line and the caller.</summary>
    public sealed class HttpDescription
    {
        /// <summary>The request's method.</summary>
        [JsonPropertyName("method")]
        public string? Method { get; set; }

        /// <summary>The request path.</summary>
        [JsonPropertyName("path")]
        public string? Path { get; set; }

        /// <summary>The HTTP version, e.g. HTTP/1.1.</summary>
        [JsonPropertyName("protocol")]
        public string? Protocol { get; set; }

        /// <summary>The client's address.</summary>
        [JsonPropertyName("sourceIp")]
        public string? SourceIp { get; set; }

        /// <summary>The client's User-Agent.</summary>
        [JsonPropertyName("userAgent")]
        public string? UserAgent { get; set; }
    }
}
