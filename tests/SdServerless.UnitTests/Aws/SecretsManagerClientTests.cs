using Amazon.Runtime;
using SdServerless.Aws.SecretsManager;
using SdServerless.Core;
using SdServerless.UnitTests.Lambda;

namespace SdServerless.UnitTests.Aws;

/// <summary>GetSecretValue as Secrets Manager's JSON protocol has it: the request, the answer, and each kind of error.</summary>
public class SecretsManagerClientTests
{
    private readonly RecordingHttpHandler _http = new();

    [Fact]
    public async Task TheRequestIsASignedJsonCallAndTheAnswerGivesTheVersionAndWhenItWasCreated()
    {
        Answer(HttpStatusCode.OK, """{"ARN":"arn","Name":"hook","VersionId":"v-2","SecretString":"whsec_x","VersionStages":["AWSCURRENT"],"CreatedDate":1.523477145713E9}""");

        var version = await Client().GetSecretValueAsync("arn:aws:secretsmanager:eu-west-1:1:secret:hook", "AWSCURRENT", CancellationToken.None);

        Assert.Equal(new SecretVersion("v-2", "whsec_x", DateTimeOffset.FromUnixTimeMilliseconds(1_523_477_145_713)), version);
        var request = Assert.Single(_http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://secretsmanager.eu-west-1.amazonaws.com/", request.Uri.AbsoluteUri);
        Assert.Equal("secretsmanager.GetSecretValue", request.Header("x-amz-target"));
        Assert.Equal("application/x-amz-json-1.1", request.ContentHeaders!.ContentType!.ToString());
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKID/", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.Contains("/eu-west-1/secretsmanager/aws4_request", request.Header("Authorization"), StringComparison.Ordinal);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("arn:aws:secretsmanager:eu-west-1:1:secret:hook", body["SecretId"]!.GetValue<string>());
        Assert.Equal("AWSCURRENT", body["VersionStage"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStageThatDoesNotExistIsNoVersionRatherThanAnError()
    {
        Answer(HttpStatusCode.BadRequest, """{"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS"}""");

        Assert.Null(await Client().GetSecretValueAsync("hook", "AWSPREVIOUS", CancellationToken.None));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"__type":"ThrottlingException","message":"Rate exceeded"}""")]
    [InlineData(HttpStatusCode.InternalServerError, """{"__type":"InternalServiceError","message":"oops"}""")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "<html>busy</html>")]
    public async Task ThrottlingAndServerErrorsAreWorthRetrying(HttpStatusCode status, string answer)
    {
        Answer(status, answer);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Client().GetSecretValueAsync("hook", "AWSCURRENT", CancellationToken.None));
    }

    [Fact]
    public async Task ARefusalNamesItsCode()
    {
        Answer(HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.secretsmanager#AccessDeniedException","Message":"not allowed"}""");

        var error = await Assert.ThrowsAsync<SecretsManagerException>(() => Client().GetSecretValueAsync("hook", "AWSCURRENT", CancellationToken.None));

        Assert.Equal("AccessDeniedException", error.Code);
        Assert.Contains("not allowed", error.Message, StringComparison.Ordinal);
    }

    private SecretsManagerClient Client() => new(
        new HttpClient(_http), SecretsManagerClient.Endpoint(null, "eu-west-1"), "eu-west-1", new BasicAWSCredentials("AKID", "secret"));

    private void Answer(HttpStatusCode status, string body) =>
        _http.Enqueue(() => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") });
}
