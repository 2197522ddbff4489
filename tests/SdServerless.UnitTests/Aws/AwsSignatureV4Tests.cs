using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using SdServerless.Aws.Signing;

namespace SdServerless.UnitTests.Aws;

/// <summary>The hand-written Signature V4 against AWS's published example and against the SDK's own signer.</summary>
public class AwsSignatureV4Tests
{
    private const string ExampleSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string EmptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void TheIamListUsersExampleOfTheAwsDocumentationSignsToItsPublishedSignature()
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["host"] = "iam.amazonaws.com",
            ["x-amz-date"] = "20150830T123600Z",
        };

        var canonical = AwsSignatureV4.CanonicalRequest("GET", "/", "Action=ListUsers&Version=2010-05-08", headers, EmptyBodyHash);

        Assert.Equal(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
            + "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" + EmptyBodyHash,
            canonical);
        Assert.Equal(
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            AwsSignatureV4.Signature(ExampleSecretKey, "us-east-1", "iam", "20150830T123600Z", canonical));
    }

    [Fact]
    public void ASignedSecretsManagerCallCarriesTheHeadersTheSdkSignerWouldSignTheSameWay()
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", ExampleSecretKey, "session-token");
        var at = new DateTimeOffset(2026, 11, 25, 16, 30, 5, TimeSpan.Zero);
        var body = """{"SecretId":"hook","VersionStage":"AWSCURRENT"}"""u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://secretsmanager.eu-west-1.amazonaws.com/");

        AwsSignatureV4.Sign(
            request,
            body,
            new Dictionary<string, string> { ["Content-Type"] = "application/x-amz-json-1.1", ["X-Amz-Target"] = "secretsmanager.GetSecretValue" },
            credentials,
            "eu-west-1",
            "secretsmanager",
            at);

        Assert.Equal("20261125T163005Z", request.Headers.GetValues("x-amz-date").Single());
        Assert.Equal("session-token", request.Headers.GetValues("x-amz-security-token").Single());
        Assert.Equal("secretsmanager.GetSecretValue", request.Headers.GetValues("x-amz-target").Single());
        var authorization = request.Headers.GetValues("Authorization").Single();
        const string SignedHeaders = "content-type;host;x-amz-date;x-amz-security-token;x-amz-target";
        Assert.StartsWith(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/eu-west-1/secretsmanager/aws4_request, SignedHeaders={SignedHeaders}, Signature=",
            authorization,
            StringComparison.Ordinal);

        // The SDK's signer, given the same canonical request, derives the same key and signature.
        var canonical = AwsSignatureV4.CanonicalRequest(
            "POST",
            "/",
            "",
            new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["content-type"] = "application/x-amz-json-1.1",
                ["host"] = "secretsmanager.eu-west-1.amazonaws.com",
                ["x-amz-date"] = "20261125T163005Z",
                ["x-amz-security-token"] = "session-token",
                ["x-amz-target"] = "secretsmanager.GetSecretValue",
            },
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)));
        var sdk = AWS4Signer.ComputeSignature(credentials, "eu-west-1", at.UtcDateTime, "secretsmanager", SignedHeaders, canonical);
        Assert.EndsWith("Signature=" + sdk.Signature, authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void APortOtherThanTheDefaultIsPartOfTheSignedHost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5123/");

        AwsSignatureV4.Sign(request, [], new Dictionary<string, string>(), new ImmutableCredentials("a", "b", null), "us-east-1", "secretsmanager", DateTimeOffset.UnixEpoch);

        var canonical = AwsSignatureV4.CanonicalRequest(
            "POST",
            "/",
            "",
            new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = "127.0.0.1:5123", ["x-amz-date"] = "19700101T000000Z" },
            EmptyBodyHash);
        Assert.DoesNotContain(request.Headers, header => header.Key == "x-amz-security-token");
        Assert.EndsWith(
            "SignedHeaders=host;x-amz-date, Signature=" + AwsSignatureV4.Signature("b", "us-east-1", "secretsmanager", "19700101T000000Z", canonical),
            request.Headers.GetValues("Authorization").Single(),
            StringComparison.Ordinal);
    }
}
