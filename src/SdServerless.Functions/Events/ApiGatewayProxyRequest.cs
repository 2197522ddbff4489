using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>API Gateway REST API proxy integration event (payload format 1.0), as Lambda delivers it.</summary>
public sealed class ApiGatewayProxyRequest
{
    /// <summary>The API's resource template that matched, e.g. /v1alpha2/tasks/{id}.</summary>
    [JsonPropertyName("resource")]
    public string? Resource { get; set; }

    /// <summary>The request path the API routes on (a leading stage is stripped).</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    /// <summary>The request's method.</summary>
    [JsonPropertyName("httpMethod")]
    public string? HttpMethod { get; set; }

    /// <summary>The headers, one value each (the last of a repeated header); null when there are none.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>The headers with every value of a repeated one.</summary>
    [JsonPropertyName("multiValueHeaders")]
    public Dictionary<string, List<string>>? MultiValueHeaders { get; set; }

    /// <summary>The query, one value per name (the last); null when there is none.</summary>
    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    /// <summary>The query with every value of a repeated name.</summary>
    [JsonPropertyName("multiValueQueryStringParameters")]
    public Dictionary<string, List<string>>? MultiValueQueryStringParameters { get; set; }

    /// <summary>The values of the resource template's {placeholders}.</summary>
    [JsonPropertyName("pathParameters")]
    public Dictionary<string, string>? PathParameters { get; set; }

    /// <summary>The stage's variables; the API uses none.</summary>
    [JsonPropertyName("stageVariables")]
    public Dictionary<string, string>? StageVariables { get; set; }

    /// <summary>Who called and through which API and stage.</summary>
    [JsonPropertyName("requestContext")]
    public ProxyRequestContext? RequestContext { get; set; }

    /// <summary>The body: text, or base64 when <see cref="IsBase64Encoded"/>.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary>Whether <see cref="Body"/> is base64 (binary media types).</summary>
    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    /// <summary>The requestContext of a REST event: the API, stage and caller.</summary>
    public sealed class ProxyRequestContext
    {
        /// <summary>The AWS account of the API.</summary>
        [JsonPropertyName("accountId")]
        public string? AccountId { get; set; }

        /// <summary>The REST API's id.</summary>
        [JsonPropertyName("apiId")]
        public string? ApiId { get; set; }

        /// <summary>The host name the client called.</summary>
        [JsonPropertyName("domainName")]
        public string? DomainName { get; set; }

        /// <summary>The request's method.</summary>
        [JsonPropertyName("httpMethod")]
        public string? HttpMethod { get; set; }

        /// <summary>The path including the stage, e.g. /prod/v1alpha2.</summary>
        [JsonPropertyName("path")]
        public string? Path { get; set; }

        /// <summary>The HTTP version, e.g. HTTP/1.1.</summary>
        [JsonPropertyName("protocol")]
        public string? Protocol { get; set; }

        /// <summary>API Gateway's id of the request, which its logs carry.</summary>
        [JsonPropertyName("requestId")]
        public string? RequestId { get; set; }

        /// <summary>When API Gateway received the request, in Unix epoch milliseconds.</summary>
        [JsonPropertyName("requestTimeEpoch")]
        public long RequestTimeEpoch { get; set; }

        /// <summary>The resource template that matched.</summary>
        [JsonPropertyName("resourcePath")]
        public string? ResourcePath { get; set; }

        /// <summary>The stage, e.g. prod.</summary>
        [JsonPropertyName("stage")]
        public string? Stage { get; set; }

        /// <summary>The caller as API Gateway saw it.</summary>
        [JsonPropertyName("identity")]
        public RequestIdentity? Identity { get; set; }
    }

    /// <summary>The requestContext.identity of a REST event: the caller as API Gateway saw it.</summary>
    public sealed class RequestIdentity
    {
        /// <summary>The API key the request carried, when the method requires one.</summary>
        [JsonPropertyName("apiKey")]
        public string? ApiKey { get; set; }

        /// <summary>The id of that API key.</summary>
        [JsonPropertyName("apiKeyId")]
        public string? ApiKeyId { get; set; }

        /// <summary>The client's address.</summary>
        [JsonPropertyName("sourceIp")]
        public string? SourceIp { get; set; }

        /// <summary>The client's User-Agent.</summary>
        [JsonPropertyName("userAgent")]
        public string? UserAgent { get; set; }
    }
}
