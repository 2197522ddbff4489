using SdServerless.Functions.Json;

namespace SdServerless.IntegrationTests.Lambda;

/// <summary>Events as Lambda delivers them, written by the same serializer the functions read them with.</summary>
public static class LambdaEvents
{
    public static string RestPost(string path, string body) => Rest("POST", path, path, body, pathParameters: null);

    public static string RestStatus(string id) =>
        Rest("GET", "/v1alpha2/tasks/{id}", "/v1alpha2/tasks/" + id, body: null, new Dictionary<string, string> { ["id"] = id });

    /// <summary>An SQS event of messages received from a real queue (their receipt handles stay valid).</summary>
    public static string Sqs(string queueArn, IEnumerable<QueueMessage> messages) => JsonSerializer.Serialize(
        new SqsEvent
        {
            Records = [.. messages.Select(message => new SqsEvent.SqsMessage
            {
                MessageId = message.MessageId,
                ReceiptHandle = message.ReceiptHandle,
                Body = message.Body,
                Attributes = new Dictionary<string, string>
                {
                    ["ApproximateReceiveCount"] = message.ReceiveCount.ToString(CultureInfo.InvariantCulture),
                    ["SentTimestamp"] = message.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                },
                EventSource = "aws:sqs",
                EventSourceArn = queueArn,
                AwsRegion = "us-east-1",
            })],
        },
        FunctionsJsonContext.Default.SqsEvent);

    private static string Rest(string method, string resource, string path, string? body, Dictionary<string, string>? pathParameters)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["x-api-key"] = "test-key" };
        return JsonSerializer.Serialize(
            new ApiGatewayProxyRequest
            {
                Resource = resource,
                Path = path,
                HttpMethod = method,
                Headers = headers,
                MultiValueHeaders = headers.ToDictionary(h => h.Key, h => new List<string> { h.Value }),
                PathParameters = pathParameters,
                RequestContext = new ApiGatewayProxyRequest.ProxyRequestContext
                {
                    AccountId = "123456789012",
                    ApiId = "abc123",
                    HttpMethod = method,
                    Path = "/prod" + path,
                    ResourcePath = resource,
                    Stage = "prod",
                    RequestId = Guid.NewGuid().ToString(),
                    RequestTimeEpoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    Identity = new ApiGatewayProxyRequest.RequestIdentity { ApiKey = "test-key", SourceIp = "203.0.113.10" },
                },
                Body = body,
            },
            FunctionsJsonContext.Default.ApiGatewayProxyRequest);
    }
}
