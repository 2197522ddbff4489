using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using SdServerless.Aws.Signing;
using SdServerless.Core;

namespace SdServerless.Aws.SecretsManager;

/// <summary>
/// secretsmanager.GetSecretValue over HTTPS, signed with Signature V4 and the SDK's credentials (the function
/// role's on Lambda): the one Secrets Manager call this project makes, without a Secrets Manager SDK package.
/// </summary>
public sealed class SecretsManagerClient(HttpClient http, Uri endpoint, string region, AWSCredentials? credentials = null, TimeProvider? clock = null)
{
    /// <summary>The service name in the endpoint's host and in the signature's scope.</summary>
    public const string Service = "secretsmanager";
    /// <summary>The staging label of the version in use: the newest one after a rotation.</summary>
    public const string CurrentStage = "AWSCURRENT";
    /// <summary>The staging label of the version a rotation replaced, which receivers may still hold.</summary>
    public const string PreviousStage = "AWSPREVIOUS";

    private static readonly MediaTypeHeaderValue JsonType = new("application/x-amz-json-1.1");
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Secrets Manager's regional endpoint, or <paramref name="serviceUrl"/> (a compatible server in tests).</summary>
    public static Uri Endpoint(string? serviceUrl, string region) =>
        new(serviceUrl ?? $"https://{Service}.{region}.{(region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com")}/");

    /// <returns>Null when the secret has no version with that stage (ResourceNotFoundException).</returns>
    /// <exception cref="DependencyUnavailableException">Unreachable, throttled or a server-side error: try again later.</exception>
    /// <exception cref="SecretsManagerException">Any other refusal (access denied, no such secret, no string value).</exception>
    public async Task<SecretVersion?> GetSecretValueAsync(string secretId, string versionStage, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new GetSecretValueRequest(secretId, versionStage), AwsJsonContext.Default.GetSecretValueRequest);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonType;
        var resolved = credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync();
        var keys = await resolved.GetCredentialsAsync();
        AwsSignatureV4.Sign(
            request,
            body,
            new Dictionary<string, string> { ["content-type"] = JsonType.ToString(), ["x-amz-target"] = "secretsmanager.GetSecretValue" },
            keys,
            region,
            Service,
            _clock.GetUtcNow());

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (AwsCalls.IsTransient(exception, cancellationToken))
        {
            throw new DependencyUnavailableException($"Secrets Manager is unavailable: {exception.Message}", exception);
        }

        using (response)
        {
            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var value = JsonSerializer.Deserialize(content, AwsJsonContext.Default.GetSecretValueResponse);
                if (value?.SecretString is not { } secretString)
                {
                    throw new SecretsManagerException("SecretHasNoString", $"the {versionStage} version of the secret has no SecretString");
                }

                var created = value.CreatedDate is { } seconds
                    ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
                    : DateTimeOffset.MinValue;
                return new SecretVersion(value.VersionId ?? "", secretString, created);
            }

            var error = ReadError(content, response);
            if (error.Code == "ResourceNotFoundException")
            {
                return null;
            }

            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || error.Code.Contains("Throttl", StringComparison.Ordinal))
            {
                throw new DependencyUnavailableException($"Secrets Manager is unavailable: {error.Code} {error.Message}");
            }

            throw error;
        }
    }

    private static SecretsManagerException ReadError(byte[] content, HttpResponseMessage response)
    {
        AwsJsonError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(content, AwsJsonContext.Default.AwsJsonError);
        }
        catch (JsonException)
        {
        }

        var code = error?.Type
            ?? (response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null)
            ?? $"HTTP{(int)response.StatusCode}";

        // Some answers qualify the code: "com.amazonaws.secretsmanager#ResourceNotFoundException", "Code:http://...".
        code = code[(code.LastIndexOf('#') + 1)..];
        code = code.Split(':')[0];
        return new SecretsManagerException(code, error?.Message ?? $"HTTP {(int)response.StatusCode}");
    }
}
