using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>The proxy integration response (REST payload 1.0; HTTP API 2.0 accepts the same shape).</summary>
public sealed class ApiGatewayProxyResponse
{
    /// <summary><c>statusCode</c>: the HTTP status.</summary>
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    /// <summary><c>headers</c>: the response headers, Content-Type among them.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary><c>multiValueHeaders</c>: headers with several values; left out when there are none.</summary>
    [JsonPropertyName("multiValueHeaders")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, List<string>>? MultiValueHeaders { get; set; }

    /// <summary><c>body</c>: text, or base64 when <see cref="IsBase64Encoded"/>.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary><c>isBase64Encoded</c>: whether API Gateway must decode <see cref="Body"/> before sending it.</summary>
    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}
