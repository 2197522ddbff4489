namespace SdServerless.IntegrationTests.Emulator;

[Trait("Category", "Integration")]
public class EmulatorFaultTests
{
    private const string Small = """{"width": 64, "height": 64}""";

    [Fact]
    public async Task Scripted503sComeFirstThenRequestsSucceed()
    {
        var script = new ScriptedFaults().Then(EmulatorFault.ServiceUnavailable(TimeSpan.FromSeconds(2)), times: 2);
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { Faults = script.Next });

        using var first = await client.PostAsync("sdapi/v1/txt2img", Small);
        using var second = await client.PostAsync("sdapi/v1/txt2img", Small);
        using var third = await client.PostAsync("sdapi/v1/txt2img", Small);
        using var models = await client.Http.GetAsync("sdapi/v1/sd-models");

        Assert.Equal([503, 503, 200, 200], new[] { first, second, third, models }.Select(response => (int)response.StatusCode));
        Assert.Equal("2", first.Headers.GetValues("Retry-After").Single());
        Assert.Equal(1, client.Emulator.RequestCount);
    }

    [Fact]
    public async Task AnAbortClosesTheConnectionWithoutAnAnswer()
    {
        var script = new ScriptedFaults().Then(EmulatorFault.Abort(TimeSpan.FromMilliseconds(50)));
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { Faults = script.Next });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("sdapi/v1/txt2img", Small));

        using var after = await client.PostAsync("sdapi/v1/txt2img", Small);
        Assert.Equal(200, (int)after.StatusCode);
    }

    [Fact]
    public async Task AHangOutlastsTheClientsDeadline()
    {
        var script = new ScriptedFaults().Then(EmulatorFault.Hang(TimeSpan.FromMinutes(5)));
        await using var client = await EmulatorClient.StartAsync(new EmulatorOptions { Faults = script.Next });
        using var deadline = new CancellationTokenSource();

        var hung = client.PostAsync("sdapi/v1/txt2img", Small, deadline.Token);
        await EmulatorSchedulingTests.WaitUntil(() => script.Injected == 1);
        await deadline.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hung);
        Assert.Equal(0, client.Emulator.RequestCount);
        using var after = await client.PostAsync("sdapi/v1/txt2img", Small);
        Assert.Equal(200, (int)after.StatusCode);
    }

    [Fact]
    public async Task TheFaultHookCanBeChangedWhileRunning()
    {
        await using var client = await EmulatorClient.StartAsync();
        client.Emulator.FaultInjector = request => request.IsGeneration ? EmulatorFault.OutOfMemory() : null;

        var (status, body) = await client.PostJsonAsync("sdapi/v1/img2img", "{}");
        client.Emulator.FaultInjector = null;
        var (after, _) = await client.PostJsonAsync("sdapi/v1/txt2img", Small);

        Assert.Equal(500, status);
        Assert.Equal("OutOfMemoryError", body.GetProperty("error").GetString());
        Assert.Equal(200, after);
    }
}
