namespace SdServerless.IntegrationTests.EndToEnd;

/// <summary>
/// Out of GPU memory is a matter of the server that ran out, so its one retry goes to another server of the runtime:
/// the local host with two SD Web UI emulators, the first generation request (whichever server gets it) answered as
/// SD Web UI answers a CUDA out-of-memory error.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OutOfMemoryRetryTests : IAsyncLifetime
{
    private readonly List<EmulatorHost> _servers = [];
    private LocalHostProcess _host = null!;
    private string _runtimesFile = null!;

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            _servers.Add(await EmulatorHost.StartAsync(new EmulatorOptions { ModelSwitchDelay = TimeSpan.Zero }));
        }

        var runtimes = new JsonObject
        {
            ["runtimes"] = new JsonArray(new JsonObject
            {
                ["name"] = "sdruntime",
                ["endpoints"] = new JsonArray([.. _servers.Select(s => JsonValue.Create(s.BaseUrl.ToString().TrimEnd('/')))]),
            }),
        };
        _runtimesFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_runtimesFile, runtimes.ToJsonString());
        _host = await LocalHostProcess.StartAsync(null, "--runtimes", _runtimesFile);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        File.Delete(_runtimesFile);
    }

    [Fact]
    public async Task TheRetryRunsOnTheOtherServerAndSucceeds()
    {
        using var client = new PipelineClient(_host);
        var generations = new int[_servers.Count];
        var outOfMemory = -1;
        for (var i = 0; i < _servers.Count; i++)
        {
            var server = i;
            _servers[i].Emulator.FaultInjector = request =>
            {
                if (!request.IsGeneration)
                {
                    return null;
                }

                Interlocked.Increment(ref generations[server]);
                return Interlocked.CompareExchange(ref outOfMemory, server, -1) == -1 ? EmulatorFault.OutOfMemory() : null;
            };
        }

        await client.SubmitAsync("v1alpha2", """{"task":{"metadata":{"id":"oom-once","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"x","width":64,"height":64}}}""");
        var (status, _) = await client.WaitUntilFinishedAsync("oom-once");
        var result = await client.ResultAsync("output", "oom-once");

        Assert.Equal("succeeded", status["status"]!.GetValue<string>());
        Assert.Equal(2, result["attempts"]!.GetValue<int>());
        Assert.Single(result["images"]!.AsArray());
        Assert.Equal(1, generations[outOfMemory]);
        Assert.Equal(1, generations[1 - outOfMemory]);
    }
}
