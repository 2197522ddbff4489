namespace SdServerless.IntegrationTests.Emulator;

[Trait("Category", "Integration")]
public class EmulatorRunTests
{
    [Fact]
    public async Task RunAsyncServesOnTheGivenUrlUntilCancelled()
    {
        var port = LoopbackPort.Next();
        using var stop = new CancellationTokenSource();
        var run = SdWebUiEmulator.RunAsync(
            ["--emulator-only", "--urls", $"http://127.0.0.1:{port}", "--emulator-workers", "2", "--models", "x.safetensors,y.safetensors"],
            stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        string? models = null;
        for (var attempt = 0; attempt < 200 && models is null && !run.IsCompleted; attempt++)
        {
            try
            {
                models = await http.GetStringAsync("sdapi/v1/sd-models");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
        }

        await stop.CancelAsync();
        Assert.Equal(0, await run);
        Assert.Contains("\"model_name\":\"y\"", models, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsyncRefusesBadOptions() =>
        Assert.Equal(2, await SdWebUiEmulator.RunAsync(["--emulator-workers", "none"]));

}
