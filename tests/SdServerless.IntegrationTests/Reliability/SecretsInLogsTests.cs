using static SdServerless.IntegrationTests.Reliability.ReliabilityClient;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>
/// A whole run of the local host with an API key, a webhook secret and a distinctive prompt: its output names task
/// ids, never the prompt, the key (right or wrong) or the secret; neither result.json nor the callback carries the secret.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SecretsInLogsTests
{
    private const string ApiKey = "key-Zq81-unusual-api-key";
    private const string WrongKey = "wrong-Kx44-guessed-key";
    private const string Prompt = "violet zebra reading a ledger 5521";
    private static readonly string SecretKey = Convert.ToBase64String(Enumerable.Range(40, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task TheHostsOutputResultAndCallbackNeverContainThePromptTheApiKeyOrTheWebhookSecret()
    {
        await using var receiver = await LoopbackHttpServer.StartAsync();
        await using var host = await LocalHostProcess.StartAsync(null,
            "--api-key", ApiKey, "--webhook-secret", "whsec_" + SecretKey, "--allow-private-network", "--webhook-url", receiver.Url("/hook").ToString());
        using var http = host.CreateClient();

        using var noKey = await PostAsync(http, TextToImage("secret-a", prompt: Prompt), null);
        using var wrongKey = await PostAsync(http, TextToImage("secret-a", prompt: Prompt), WrongKey);
        using var invalid = await PostAsync(http, TextToImage("secret-bad", prompt: Prompt).Replace("\"steps\":1", "\"steps\":\"many\"", StringComparison.Ordinal), ApiKey);
        using var accepted = await PostAsync(http, TextToImage("secret-ok", prompt: Prompt), ApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await WaitUntilAsync(() => !receiver.Requests.IsEmpty, TimeSpan.FromSeconds(60), () => "no callback\n" + host.Output);
        using var status = new HttpRequestMessage(HttpMethod.Get, "/v1alpha2/tasks/secret-ok") { Headers = { { "x-api-key", ApiKey } } };
        using var statusResponse = await http.SendAsync(status);
        Assert.Equal(HttpStatusCode.OK, statusResponse.StatusCode);

        var output = host.Output;
        Assert.Contains("secret-ok", output, StringComparison.Ordinal);
        foreach (var secret in new[] { Prompt, "violet zebra", ApiKey, WrongKey, SecretKey })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }

        var webhook = receiver.Requests.First();
        var everythingSent = Encoding.UTF8.GetString(webhook.Body) + string.Join("\n", webhook.Headers.Select(h => $"{h.Key}: {h.Value}"))
            + await File.ReadAllTextAsync(host.ObjectPath("output/secret-ok/result.json"));
        Assert.DoesNotContain(SecretKey, everythingSent, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, everythingSent, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1alpha2") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        return http.SendAsync(request);
    }
}
