namespace SdServerless.IntegrationTests.LocalHost;

[Trait("Category", "Integration")]
public sealed class LocalHostOptionsTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BuildOutput.LocalHostDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task BadOptionsExitWithEveryProblemNamed()
    {
        var (exitCode, output) = await RunAsync("--emulator-workers", "zero", "--frobnicate", "--sdwebui", "not a url");

        Assert.Equal(2, exitCode);
        Assert.Contains("--emulator-workers", output, StringComparison.Ordinal);
        Assert.Contains("--frobnicate", output, StringComparison.Ordinal);
        Assert.Contains("--sdwebui", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpListsTheOptionsAndExitsZero()
    {
        var (exitCode, output) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--allow-private-network", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApiKeyIsRequiredOnceConfigured()
    {
        await using var host = await LocalHostProcess.StartAsync(null, "--no-dispatch", "--api-key", "s3cret");
        using var client = host.CreateClient();
        var body = TestDataFiles.Seed("request-v1alpha2.jsonc");

        using var without = await client.PostAsync("/v1alpha2", new StringContent(body, Encoding.UTF8, "application/json"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1alpha2") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", "s3cret");
        using var with = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.DoesNotContain("s3cret", host.Output, StringComparison.Ordinal);
    }
}
