using Amazon.DynamoDBv2;
using SdServerless.Aws;
using SdServerless.Aws.Pool;
using SdServerless.Core;
using SdServerless.Core.Pool;
using SdServerless.IntegrationTests.Infrastructure;

namespace SdServerless.IntegrationTests.Pool;

/// <summary>
/// The DynamoDB registry against moto_server: each dispatcher is a registry with its own client, on one table. The
/// server answers one request at a time (<see cref="SerialMotoServer"/>), since moto's conditional writes are only
/// atomic that way.
/// </summary>
[Collection(SerialMotoCollection.Name)]
public sealed class DynamoDbPoolRegistryContractTests(SerialMotoServer moto) : PoolRegistryContractTests
{
    private readonly List<AmazonDynamoDBClient> _clients = [];
    private string _table = "";

    public override async Task InitializeAsync() => _table = await moto.CreatePoolTableAsync();

    public override Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnUnreachableTableIsADependencyOutage()
    {
        using var client = AwsClientFactory.CreateDynamoDb(MotoServer.ClosedPortUrl(), MotoServer.Region, MotoServer.Credentials);
        var registry = new DynamoDbPoolRegistry(client, _table, [], new PoolRules(), Clock);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => registry.ServersAsync(Runtime, default));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => registry.AcquireAsync(new LeaseRequest(Runtime, "t1", null, TimeSpan.FromMinutes(1)), TimeSpan.Zero, default));
    }

    protected override IPoolRegistry Connect(PoolRules rules, IReadOnlyList<PoolServer>? fixedServers = null)
    {
        var client = moto.CreateDynamoDbClient();
        _clients.Add(client);
        return new DynamoDbPoolRegistry(client, _table, fixedServers ?? [], rules, Clock);
    }
}
