using SdServerless.Aws.Pool;
using SdServerless.Functions.Pool;

namespace SdServerless.IntegrationTests.Pool;

/// <summary>An emulated server joins a DynamoDB pool (moto) and a dispatcher's registry leases its slots.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PoolMembershipOnDynamoDbTests(MotoServer moto)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnEmulatedServerJoinsTheTableAndDispatchersLeaseItsGpus()
    {
        var table = await moto.CreatePoolTableAsync();
        using var serverSide = moto.CreateDynamoDbClient();
        using var dispatcherSide = moto.CreateDynamoDbClient();
        var dispatcher = new DynamoDbPoolRegistry(dispatcherSide, table, [], new PoolRules());
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Workers = 2 });
        using var sdWebUi = new SdWebUiClient(new DispatcherOptions());
        var url = emulator.BaseUrl.ToString().TrimEnd('/');
        var membership = new PoolMembership(
            new DynamoDbPoolRegistry(serverSide, table, [], new PoolRules()),
            sdWebUi,
            new PoolMembershipOptions { Runtime = "sdruntime", Url = url, Gpus = 2, ProbeInterval = TimeSpan.FromMilliseconds(100) },
            NullLogger<PoolMembership>.Instance);
        using var stop = new CancellationTokenSource();
        var running = membership.RunAsync(stop.Token);

        await membership.Joined.WaitAsync(Bound);
        var leases = new[]
        {
            await dispatcher.AcquireAsync(new LeaseRequest("sdruntime", "t1", null, TimeSpan.FromMinutes(1)), TimeSpan.Zero, default),
            await dispatcher.AcquireAsync(new LeaseRequest("sdruntime", "t2", null, TimeSpan.FromMinutes(1)), TimeSpan.Zero, default),
            await dispatcher.AcquireAsync(new LeaseRequest("sdruntime", "t3", null, TimeSpan.FromMinutes(1)), TimeSpan.Zero, default),
        };
        await stop.CancelAsync();
        await running.WaitAsync(Bound);

        Assert.Equal([url, url], leases.Take(2).Select(l => l?.Url));
        Assert.Null(leases[2]);
        Assert.Empty(await dispatcher.ServersAsync("sdruntime", default));
    }
}
