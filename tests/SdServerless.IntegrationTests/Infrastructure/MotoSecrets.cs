using System.Net.Http.Headers;
using SdServerless.Aws.SecretsManager;
using SdServerless.Aws.Signing;

namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>Creates and rotates secrets on moto_server's Secrets Manager, as an operator would with the aws CLI.</summary>
public sealed class MotoSecrets(MotoServer moto)
{
    /// <returns>The new secret's ARN.</returns>
    public async Task<string> CreateAsync(string name, string secretString)
    {
        var answer = await CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = secretString });
        return answer["ARN"]!.GetValue<string>();
    }

    /// <summary>A new version, which becomes AWSCURRENT while the old one becomes AWSPREVIOUS: a rotation.</summary>
    public Task PutValueAsync(string secretId, string secretString) =>
        CallAsync("PutSecretValue", new JsonObject { ["SecretId"] = secretId, ["SecretString"] = secretString });

    public SecretsManagerClient CreateClient(HttpMessageHandler? handler = null) => new(
        handler is null ? new HttpClient() : new HttpClient(handler),
        SecretsManagerClient.Endpoint(moto.ServiceUrl, MotoServer.Region),
        MotoServer.Region,
        MotoServer.Credentials);

    private async Task<JsonNode> CallAsync(string operation, JsonObject request)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(request.ToJsonString());
        using var message = new HttpRequestMessage(HttpMethod.Post, moto.ServiceUrl + "/") { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        var credentials = await MotoServer.Credentials.GetCredentialsAsync();
        AwsSignatureV4.Sign(
            message,
            body,
            new Dictionary<string, string> { ["content-type"] = "application/x-amz-json-1.1", ["x-amz-target"] = "secretsmanager." + operation },
            credentials,
            MotoServer.Region,
            SecretsManagerClient.Service,
            DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        using var response = await http.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation} on moto: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
