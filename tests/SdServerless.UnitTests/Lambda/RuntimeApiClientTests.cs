using SdServerless.Lambda.Client;

namespace SdServerless.UnitTests.Lambda;

public class RuntimeApiClientTests
{
    private readonly RecordingHttpHandler _runtimeApi = new();
    private readonly RuntimeApiClient _client;

    public RuntimeApiClientTests() =>
        _client = new RuntimeApiClient(new HttpClient(_runtimeApi) { BaseAddress = new Uri("http://127.0.0.1:9001/2018-06-01/") });

    [Fact]
    public async Task NextInvocationCarriesTheEventAndItsContextHeaders()
    {
        _runtimeApi.Enqueue(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"hello":"world"}""") };
            response.Headers.Add("Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
            response.Headers.Add("Lambda-Runtime-Deadline-Ms", "1542409706888");
            response.Headers.Add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime");
            response.Headers.Add("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
            return response;
        });

        var invocation = await _client.GetNextInvocationAsync(CancellationToken.None);

        var request = Assert.Single(_runtimeApi.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("http://127.0.0.1:9001/2018-06-01/runtime/invocation/next", request.Uri.ToString());
        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", invocation.Context.AwsRequestId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1542409706888), invocation.Context.Deadline);
        Assert.Equal("arn:aws:lambda:us-east-2:123456789012:function:custom-runtime", invocation.Context.InvokedFunctionArn);
        Assert.Equal("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", invocation.Context.TraceId);
        Assert.Equal("""{"hello":"world"}""", Encoding.UTF8.GetString(invocation.EventJson.Span));
    }

    [Fact]
    public async Task NextInvocationWithoutRequestIdIsAnError()
    {
        _runtimeApi.Enqueue(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.GetNextInvocationAsync(CancellationToken.None));
        Assert.Contains("Lambda-Runtime-Aws-Request-Id", error.Message);
    }

    [Fact]
    public async Task ResponseIsPostedAsJsonToTheInvocationsResponsePath()
    {
        await _client.SendResponseAsync("req-1", Encoding.UTF8.GetBytes("""{"statusCode":200}"""), CancellationToken.None);

        var request = Assert.Single(_runtimeApi.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/2018-06-01/runtime/invocation/req-1/response", request.Uri.AbsolutePath);
        Assert.Equal("application/json", request.ContentHeaders?.ContentType?.MediaType);
        Assert.Equal("""{"statusCode":200}""", Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public async Task InvocationErrorIsPostedWithTheErrorTypeHeaderAndTheLambdaErrorShape()
    {
        var report = ErrorReport.FromException(Thrown(new InvalidOperationException("the handler broke")));

        await _client.ReportInvocationErrorAsync("req-2", report, CancellationToken.None);

        var request = Assert.Single(_runtimeApi.Requests);
        Assert.Equal("/2018-06-01/runtime/invocation/req-2/error", request.Uri.AbsolutePath);
        Assert.Equal("Unhandled", request.Header("Lambda-Runtime-Function-Error-Type"));
        Assert.Equal("application/vnd.aws.lambda.error+json", request.ContentHeaders?.ContentType?.MediaType);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("the handler broke", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidOperationException", body.RootElement.GetProperty("errorType").GetString());
        var stackTrace = body.RootElement.GetProperty("stackTrace");
        Assert.Equal(JsonValueKind.Array, stackTrace.ValueKind);
        Assert.Contains(stackTrace.EnumerateArray(), line => line.GetString()!.Contains(nameof(Thrown), StringComparison.Ordinal));
    }

    [Fact]
    public async Task InitErrorIsPostedToInitErrorWithTheGivenErrorType()
    {
        var report = new ErrorReport { ErrorMessage = "SDSERVERLESS_BUCKET is not set", ErrorType = "LambdaConfigurationException" };

        await _client.ReportInitErrorAsync("Runtime.ConfigInvalid", report, CancellationToken.None);

        var request = Assert.Single(_runtimeApi.Requests);
        Assert.Equal("/2018-06-01/runtime/init/error", request.Uri.AbsolutePath);
        Assert.Equal("Runtime.ConfigInvalid", request.Header("Lambda-Runtime-Function-Error-Type"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("SDSERVERLESS_BUCKET is not set", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("stackTrace").GetArrayLength());
    }

    [Fact]
    public async Task RuntimeApiRejectionSaysWhatTheRuntimeApiAnswered()
    {
        _runtimeApi.Enqueue(() => new HttpResponseMessage(HttpStatusCode.RequestEntityTooLarge)
        {
            Content = new StringContent("""{"errorMessage":"payload too large","errorType":"RequestEntityTooLarge"}"""),
        });

        var error = await Assert.ThrowsAsync<HttpRequestException>(
            () => _client.SendResponseAsync("req-3", new byte[16], CancellationToken.None));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, error.StatusCode);
        Assert.Contains("payload too large", error.Message);
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }
}
