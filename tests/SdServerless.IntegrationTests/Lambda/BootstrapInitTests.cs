namespace SdServerless.IntegrationTests.Lambda;

/// <summary>The published bootstrap reports a start it cannot make through runtime/init/error, then exits.</summary>
[Trait("Category", "Integration")]
public sealed class BootstrapInitTests
{
    [Fact]
    public async Task MissingConfigurationArrivesOnInitErrorAndTheProcessExitsWithOne()
    {
        await using var runtimeApi = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = await BootstrapProcess.StartAsync(runtimeApi, "dispatcher", new Dictionary<string, string>());

        var initError = await runtimeApi.InitError.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("Runtime.ConfigInvalid", initError.ErrorTypeHeader);
        Assert.Equal("application/vnd.aws.lambda.error+json", initError.ContentType);
        using var body = JsonDocument.Parse(initError.Body);
        var message = body.RootElement.GetProperty("errorMessage").GetString()!;
        Assert.Contains("SDSERVERLESS_BUCKET is not set", message);
        Assert.Contains("SDSERVERLESS_TASK_QUEUE_URL is not set", message);
        Assert.Equal("LambdaConfigurationException", body.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(1, await bootstrap.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, runtimeApi.NextRequests);
    }

    [Fact]
    public async Task UnknownHandlerArrivesOnInitError()
    {
        await using var runtimeApi = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = await BootstrapProcess.StartAsync(runtimeApi, "bootstrap", new Dictionary<string, string>());

        var initError = await runtimeApi.InitError.WaitAsync(TimeSpan.FromSeconds(30));

        using var body = JsonDocument.Parse(initError.Body);
        Assert.Contains("_HANDLER must be one of api, dispatcher, callback, replay", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(1, await bootstrap.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task InitFailureIsAlsoLoggedAsOneJsonLine()
    {
        await using var runtimeApi = await RuntimeApiEmulator.StartAsync();
        await using var bootstrap = await BootstrapProcess.StartAsync(runtimeApi, "callback", new Dictionary<string, string>());

        await runtimeApi.InitError.WaitAsync(TimeSpan.FromSeconds(30));
        await bootstrap.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var line = Assert.Single(bootstrap.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var log = JsonDocument.Parse(line);
        Assert.Equal("FATAL", log.RootElement.GetProperty("level").GetString());
        Assert.Contains("SDSERVERLESS_CALLBACK_DLQ_URL", log.RootElement.GetProperty("message").GetString());
    }
}
