using SdServerless.Functions.Json;
using SdServerless.Lambda.Context;
using SdServerless.Lambda.Handlers;
using SdServerless.Lambda.Json;

namespace SdServerless.UnitTests.Lambda;

public class EventHandlerTests
{
    private static readonly LambdaContext Context = new("req", DateTimeOffset.UtcNow.AddMinutes(1), null, null);

    private readonly List<object> _received = [];
    private readonly ApiGatewayLambdaHandler _api;

    public EventHandlerTests() => _api = new ApiGatewayLambdaHandler(
        (request, _) => Answer(request, request.HttpMethod + " " + request.Path),
        (request, _) => Answer(request, request.RequestContext?.Http?.Method + " " + request.RawPath));

    [Theory]
    [InlineData("apigateway-rest-v1alpha2.json", typeof(ApiGatewayProxyRequest), "POST /v1alpha2")]
    [InlineData("apigateway-rest-v1alpha1.json", typeof(ApiGatewayProxyRequest), "POST /v1alpha1")]
    [InlineData("apigateway-rest-status.json", typeof(ApiGatewayProxyRequest), "GET /v1alpha2/tasks/test-i2i")]
    [InlineData("apigateway-httpapi-v1alpha2.json", typeof(ApiGatewayHttpApiRequest), "POST /v1alpha2")]
    public async Task ApiEventReachesTheHandlerOfItsPayloadVersion(string file, Type expectedEvent, string expectedRoute)
    {
        var response = await _api.InvokeAsync(TestDataFiles.LambdaEvent(file), Context, CancellationToken.None);

        Assert.IsType(expectedEvent, Assert.Single(_received));
        var proxyResponse = JsonSerializer.Deserialize(response.Span, FunctionsJsonContext.Default.ApiGatewayProxyResponse)!;
        Assert.Equal(200, proxyResponse.StatusCode);
        Assert.Equal(expectedRoute, proxyResponse.Body);
    }

    [Fact]
    public async Task SeedBodyArrivesUnchangedWithItsComments()
    {
        await _api.InvokeAsync(TestDataFiles.LambdaEvent("apigateway-rest-v1alpha2.json"), Context, CancellationToken.None);

        var request = Assert.IsType<ApiGatewayProxyRequest>(Assert.Single(_received));
        Assert.Contains("\"id\": \"test-i2i\", // Required, task ID", request.Body);
    }

    [Theory]
    [InlineData("""{"version":"2.0","rawPath":"/v1alpha2"}""", true)]
    [InlineData("""{"rawPath":"/v1alpha2","headers":{"a":"b"},"version":"2.0"}""", true)]
    [InlineData("""{"version":"1.0","path":"/v1alpha2"}""", false)]
    [InlineData("""{"path":"/v1alpha2","body":"{\"version\":\"2.0\"}","requestContext":{"version":"2.0"}}""", false)]
    [InlineData("""[{"version":"2.0"}]""", false)]
    public void OnlyATopLevelVersionTwoMarksAnHttpApiEvent(string json, bool expected) =>
        Assert.Equal(expected, ApiGatewayLambdaHandler.IsHttpApiV2(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public async Task MalformedEventIsAnErrorNotAResponse() =>
        await Assert.ThrowsAnyAsync<JsonException>(() => _api.InvokeAsync("{\"path\": "u8.ToArray(), Context, CancellationToken.None));

    [Fact]
    public async Task SqsEventGetsItsPartialBatchResponse()
    {
        var dispatcher = new JsonLambdaHandler<SqsEvent, SqsBatchResponse>(
            FunctionsJsonContext.Default.SqsEvent,
            FunctionsJsonContext.Default.SqsBatchResponse,
            (sqsEvent, _) => Task.FromResult(new SqsBatchResponse
            {
                BatchItemFailures = [.. sqsEvent.Records.Where(r => r.Body == "not a task").Select(r => new SqsBatchResponse.BatchItemFailure { ItemIdentifier = r.MessageId })],
            }));

        var response = await dispatcher.InvokeAsync(TestDataFiles.LambdaEvent("sqs-two-messages.json"), Context, CancellationToken.None);

        Assert.Equal(
            """{"batchItemFailures":[{"itemIdentifier":"2e1424d4-f796-459a-8184-9c92662be6da"}]}""",
            Encoding.UTF8.GetString(response.Span));
    }

    [Fact]
    public async Task S3EventHandlerWithoutAnswerRespondsWithAnEmptyObject()
    {
        string? key = null;
        var callback = new JsonLambdaHandler<S3Event, EmptyResponse>(
            FunctionsJsonContext.Default.S3Event,
            LambdaJsonContext.Default.EmptyResponse,
            (s3Event, _) =>
            {
                key = s3Event.Records?.Single().S3?.Object?.Key;
                return Task.FromResult(EmptyResponse.Instance);
            });

        var response = await callback.InvokeAsync(TestDataFiles.LambdaEvent("s3-result-created.json"), Context, CancellationToken.None);

        Assert.Equal("out+put%2Ft%C3%A2che+1%2Fresult.json", key);
        Assert.Equal("{}", Encoding.UTF8.GetString(response.Span));
    }

    private Task<ApiGatewayProxyResponse> Answer(object request, string route)
    {
        _received.Add(request);
        return Task.FromResult(new ApiGatewayProxyResponse { StatusCode = 200, Body = route });
    }
}
