using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>API Gateway REST API proxy integration event (payload format 1.0), as Lambda delivers it.</summary>
public sealed class ApiGatewayProxyRequest
{
    /// <summary><c>resource</c>: the API's resource template that matched, e.g. /v1alpha2/tasks/{id}.</summary>
    [JsonPropertyName("resource")]
    public string? Resource { get; set; }

    /// <summary><c>path</c>: the request path the API routes on (a stage in front is stripped).</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    /// <summary><c>httpMethod</c>: the request's method.</summary>
    [JsonPropertyName("httpMethod")]
    public string? HttpMethod { get; set; }

    /// <summary><c>headers</c>: the headers, one value each (the last of a repeated header); null when there are none.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary><c>multiValueHeaders</c>: the headers with every value of a repeated one.</summary>
    [JsonPropertyName("multiValueHeaders")]
    public Dictionary<string, List<string>>? MultiValueHeaders { get; set; }

    /// <summary><c>queryStringParameters</c>: the query, one value per name (the last); null when there is none.</summary>
    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    /// <summary><c>multiValueQueryStringParameters</c>: the query with every value of a repeated name.</summary>
    [JsonPropertyName("multiValueQueryStringParameters")]
    public Dictionary<string, List<string>>? MultiValueQueryStringParameters { get; set; }

    /// <summary><c>pathParameters</c>: the values of the resource template's {placeholders}.</summary>
    [JsonPropertyName("pathParameters")]
    public Dictionary<string, string>? PathParameters { get; set; }

    /// <summary><c>stageVariables</c>: the stage's variables; the API uses none.</summary>
    [JsonPropertyName("stageVariables")]
    public Dictionary<string, string>? StageVariables { get; set; }

    /// <summary><c>requestContext</c>: who called and through which API and stage.</summary>
    [JsonPropertyName("requestContext")]
    public ProxyRequestContext? RequestContext { get; set; }

    /// <summary><c>body</c>: text, or base64 when <see cref="IsBase64Encoded"/>.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary><c>isBase64Encoded</c>: whether <see cref="Body"/> is base64 (binary media types).</summary>
    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    /// <summary>The requestContext of a REST event: the API, stage and caller.</summary>
    public sealed class ProxyRequestContext
    {
        /// <summary><c>accountId</c>: the AWS account of the API.</summary>
        [JsonPropertyName("accountId")]
        public string? AccountId { get; set; }

        /// <summary><c>apiId</c>: the REST API's id.</summary>
        [JsonPropertyName("apiId")]
        public string? ApiId { get; set; }

        /// <summary><c>domainName</c>: the host name the client called.</summary>
        [JsonPropertyName("domainName")]
        public string? DomainName { get; set; }

        /// <summary><c>httpMethod</c>: the request's method.</summary>
        [JsonPropertyName("httpMethod")]
        public string? HttpMethod { get; set; }

        /// <summary><c>path</c>: the path including the stage, e.g. /prod/v1alpha2.</summary>
        [JsonPropertyName("path")]
        public string? Path { get; set; }

        /// <summary><c>protocol</c>: the HTTP version, e.g. HTTP/1.1.</summary>
        [JsonPropertyName("protocol")]
        public string? Protocol { get; set; }

        /// <summary><c>requestId</c>: API Gateway's id of the request, which its logs carry.</summary>
        [JsonPropertyName("requestId")]
        public string? RequestId { get; set; }

        /// <summary><c>requestTimeEpoch</c>: when API Gateway received the request, in Unix epoch milliseconds.</summary>
        [JsonPropertyName("requestTimeEpoch")]
        public long RequestTimeEpoch { get; set; }

        /// <summary><c>resourcePath</c>: the resource template that matched.</summary>
        [JsonPropertyName("resourcePath")]
        public string? ResourcePath { get; set; }

        /// <summary><c>stage</c>: the stage, e.g. prod.</summary>
        [JsonPropertyName("stage")]
        public string? Stage { get; set; }

        /// <summary><c>identity</c>: the caller as API Gateway saw it.</summary>
        [JsonPropertyName("identity")]
        public RequestIdentity? Identity { get; set; }
    }

    /// <summary>The requestContext.identity of a REST event: the caller as API Gateway saw it.</summary>
    public sealed class RequestIdentity
    {
        /// <summary><c>apiKey</c>: the API key the request carried, when the method requires one.</summary>
        [JsonPropertyName("apiKey")]
        public string? ApiKey { get; set; }

        /// <summary><c>apiKeyId</c>: the id of that API key.</summary>
        [JsonPropertyName("apiKeyId")]
        public string? ApiKeyId { get; set; }

        /// <summary><c>sourceIp</c>: the client's address.</summary>
        [JsonPropertyName("sourceIp")]
        public string? SourceIp { get; set; }

        /// <summary><c>userAgent</c>: the client's User-Agent.</summary>
        [JsonPropertyName("userAgent")]
        public string? UserAgent { get; set; }
    }
}
