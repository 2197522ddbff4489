using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Api;

public class RejectionTests
{
    private static async Task<Functions.Events.ApiGatewayProxyResponse> PostV2(string body, string? contentType = "application/json") =>
        await new ApiTestHost().PostAsync("/v1alpha2", body, contentType);

    private static void AssertProblem(Functions.Events.ApiGatewayProxyResponse answer, int status)
    {
        Assert.Equal(status, answer.StatusCode);
        Assert.Equal(ApiResults.ProblemContentType, answer.Headers!["Content-Type"]);
        var body = Body(answer);
        Assert.Equal(status, body["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(body["title"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(body["detail"]!.GetValue<string>()));
        Assert.StartsWith("urn:sdserverless:problem:", body["type"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJsonIsA400Problem() => AssertProblem(await PostV2("{\"task\": {"), 400);

    [Fact]
    public async Task AJsonArrayIsA400Problem() => AssertProblem(await PostV2("[1, 2]"), 400);

    [Fact]
    public async Task AnEmptyBodyIsA400Problem() => AssertProblem(await PostV2(""), 400);

    [Fact]
    public async Task AWrongTypeNamesItsField()
    {
        var answer = await PostV2(Seed("request-v1alpha2.jsonc").Replace("\"steps\": 16", "\"steps\": \"many\"", StringComparison.Ordinal));

        AssertProblem(answer, 400);
        Assert.Equal(["task.content.steps"], ErrorFields(answer));
    }

    [Fact]
    public async Task FiveFaultsAreAllListed()
    {
        var body = """
            {"task":{"metadata":{"id":"../evil","runtime":"nope","tasktype":"paint","prefix":"/abs"},
             "content":{"steps":"many"}}}
            """;

        var answer = await PostV2(body);

        AssertProblem(answer, 400);
        var fields = ErrorFields(answer);
        Assert.Contains("task.metadata.id", fields);
        Assert.Contains("task.metadata.runtime", fields);
        Assert.Contains("task.metadata.tasktype", fields);
        Assert.Contains("task.metadata.prefix", fields);
        Assert.Contains("task.content.steps", fields);
    }

    [Fact]
    public async Task ABodyOverSixMegabytesIs413()
    {
        var answer = await PostV2("{\"pad\":\"" + new string('a', 20 * 1024 * 1024) + "\"}");

        AssertProblem(answer, 413);
    }

    [Fact]
    public async Task PlainTextIs415() => AssertProblem(await PostV2(Seed("request-v1alpha2.jsonc"), "text/plain"), 415);

    [Fact]
    public async Task JsonInAnotherCharsetIs415() =>
        AssertProblem(await PostV2(Seed("request-v1alpha2.jsonc"), "application/json; charset=utf-16"), 415);

    [Fact]
    public async Task JsonWithAUtf8CharsetIsAccepted() =>
        Assert.Equal(200, (await PostV2(Seed("request-v1alpha2.jsonc"), "application/json; charset=UTF-8")).StatusCode);

    [Theory]
    [InlineData("../../etc", "task.metadata.id")]
    [InlineData("a/b", "task.metadata.id")]
    [InlineData("..", "task.metadata.id")]
    public async Task PathTraversalInTheIdIsRejected(string id, string field)
    {
        var answer = await PostV2(Seed("request-v1alpha2.jsonc").Replace("\"test-i2i\"", $"\"{id}\"", StringComparison.Ordinal));

        AssertProblem(answer, 400);
        Assert.Contains(field, ErrorFields(answer));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/abs")]
    [InlineData("a/../../b")]
    [InlineData("_sdserverless/tasks")]
    public async Task PathTraversalInThePrefixIsRejected(string prefix)
    {
        var answer = await PostV2(Seed("request-v1alpha2.jsonc").Replace("\"prefix\": \"output\"", $"\"prefix\": \"{prefix}\"", StringComparison.Ordinal));

        AssertProblem(answer, 400);
        Assert.Contains("task.metadata.prefix", ErrorFields(answer));
    }

    [Fact]
    public async Task AMissingApiKeyIs401WhenOneIsConfigured()
    {
        var host = new ApiTestHost(new Core.Configuration.SdServerlessOptions { ApiKey = "s3cret" });

        AssertProblem(await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc")), 401);
        AssertProblem(await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"), apiKey: "wrong"), 401);
        Assert.Equal(200, (await host.PostAsync("/v1alpha2", Seed("request-v1alpha2.jsonc"), apiKey: "s3cret")).StatusCode);
    }

    [Fact]
    public async Task AnUnknownRouteIs404AndAWrongMethodIs405()
    {
        var host = new ApiTestHost();

        AssertProblem(await host.PostAsync("/v2", "{}"), 404);
        var wrongMethod = await host.SendAsync("GET", "/v1alpha2", "");
        AssertProblem(wrongMethod, 405);
        Assert.Equal("POST", wrongMethod.Headers!["Allow"]);
        AssertProblem(await host.SendAsync("PUT", "/v1alpha2/tasks/x", ""), 405);
    }
}
