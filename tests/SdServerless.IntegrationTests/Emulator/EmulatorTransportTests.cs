using System.Net.Http.Headers;

namespace SdServerless.IntegrationTests.Emulator;

/// <summary>What SD Web UI does around its answers: gzip when asked, --api-auth, time to start.</summary>
[Trait("Category", "Integration")]
public sealed class EmulatorTransportTests
{
    [Fact]
    public async Task AnswersAreGzippedOnlyForClientsThatAskForIt()
    {
        await using var client = await EmulatorClient.StartAsync();
        using var plain = new HttpRequestMessage(HttpMethod.Post, "sdapi/v1/txt2img") { Content = Json("""{"width": 64, "height": 64}""") };
        using var gzip = new HttpRequestMessage(HttpMethod.Post, "sdapi/v1/txt2img") { Content = Json("""{"width": 64, "height": 64}""") };
        gzip.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var plainAnswer = await client.Http.SendAsync(plain);
        using var gzipAnswer = await client.Http.SendAsync(gzip);

        Assert.Empty(plainAnswer.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], gzipAnswer.Content.Headers.ContentEncoding);
        await using var unzipped = new System.IO.Compression.GZipStream(await gzipAnswer.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var json = await System.Text.Json.JsonDocument.ParseAsync(unzipped);
        Assert.Equal(1, json.RootElement.GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task ApiAuthPutsHttpBasicOnEverySdapiRoute()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { ApiAuth = "alice:s3cret" });

        using var anonymous = await client.Http.GetAsync("sdapi/v1/sd-models");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "sdapi/v1/options") { Headers = { Authorization = Basic("alice:guess") } };
        using var wrongAnswer = await client.Http.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Post, "sdapi/v1/txt2img") { Content = Json("""{"width": 64, "height": 64}"""), Headers = { Authorization = Basic("alice:s3cret") } };
        using var rightAnswer = await client.Http.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightAnswer.StatusCode);
        Assert.Equal(1, client.Emulator.RequestCount);
    }

    [Fact]
    public async Task UntilItHasStartedTheServerDropsConnections()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { StartupDelay = TimeSpan.FromSeconds(2) });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.Http.GetAsync("sdapi/v1/sd-models"));
        HttpResponseMessage? answer = null;
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    answer = await client.Http.GetAsync("sdapi/v1/sd-models");
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "the started emulator to answer");

        Assert.Equal(HttpStatusCode.OK, answer?.StatusCode);
        answer?.Dispose();
    }

    [Fact]
    public async Task AClientThatDisconnectsDoesNotStopItsJobOnlyAnInterruptDoes()
    {
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { DelayPerImage = TimeSpan.FromMinutes(1) });
        using var gone = new CancellationTokenSource();

        var abandoned = client.PostAsync("sdapi/v1/txt2img", """{"width": 64, "height": 64}""", gone.Token);
        await EmulatorSchedulingTests.WaitUntil(() => client.Emulator.Gpus[0].IsBusy);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await Task.Delay(500);
        var stillBusy = client.Emulator.Gpus[0].IsBusy;
        var (status, _) = await client.PostJsonAsync("sdapi/v1/interrupt", "{}");
        await EmulatorSchedulingTests.WaitUntil(() => !client.Emulator.Gpus[0].IsBusy);

        Assert.True(stillBusy);
        Assert.Equal(200, status);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static AuthenticationHeaderValue Basic(string credentials) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
}
