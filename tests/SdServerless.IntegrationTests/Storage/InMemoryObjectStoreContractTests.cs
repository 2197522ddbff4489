namespace SdServerless.IntegrationTests.Storage;

/// <summary>The unit tests' object store, held to what S3 and the directory store do, so that it cannot drift from them.</summary>
[Trait("Category", "Integration")]
public sealed class InMemoryObjectStoreContractTests : ObjectStoreContractTests
{
    private readonly ConcurrentQueue<ObjectCreated> _created = new();

    protected override Task<IObjectStore> CreateStoreAsync()
    {
        var store = new InMemoryObjectStore("testbucket");
        store.ObjectCreated += (created, _) =>
        {
            _created.Enqueue(created);
            return Task.CompletedTask;
        };
        return Task.FromResult<IObjectStore>(store);
    }

    protected override Task<IObjectStore> CreateUnreachableStoreAsync() =>
        Task.FromResult<IObjectStore>(new InMemoryObjectStore("testbucket") { Unavailable = true });

    protected override async Task<IReadOnlyList<ObjectCreated>> WaitForObjectCreatedAsync(int count, TimeSpan timeout)
    {
        // The in-memory store raises its events before a write returns: they are all here already.
        await Task.Yield();
        return _created.ToList();
    }
}
