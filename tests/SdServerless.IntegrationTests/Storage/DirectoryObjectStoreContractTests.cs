using SdServerless.Local.Storage;

namespace SdServerless.IntegrationTests.Storage;

[Trait("Category", "Integration")]
public sealed class DirectoryObjectStoreContractTests : ObjectStoreContractTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("sdserverless-store-").FullName;
    private readonly ConcurrentQueue<ObjectCreated> _created = new();

    public override Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ObjectsAreRawFilesUnderDataS3BucketKey()
    {
        await Store.PutAsync("output/t1/t1-1.png", new MemoryStream([1, 2, 3]), "image/png", default);

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(_root, "s3", "testbucket", "output", "t1", "t1-1.png")));
        Assert.Equal(["t1-1.png"], Directory.EnumerateFileSystemEntries(Path.Combine(_root, "s3", "testbucket", "output", "t1")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task OnlyAContentTypeTheExtensionDoesNotImplyGetsASidecar()
    {
        // Every write of a sidecar is one more file created and flushed; the pipeline's JSON and images need none.
        await Store.PutAsync("output/t1/t1-1.png", new MemoryStream([1]), "image/png", default);
        await Store.TryCreateAsync("output/t1/result.json", new byte[] { 2 }, "application/json", default);
        Assert.False(Directory.Exists(Path.Combine(_root, "s3meta")));

        await Store.PutAsync("output/t1/state.json", new MemoryStream([3]), "text/plain", default);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_root, "s3meta"), "*", SearchOption.AllDirectories));

        // Back to the implied type: the stale sidecar goes, so the object reads as application/json again.
        await Store.PutAsync("output/t1/state.json", new MemoryStream([4]), "application/json", default);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "s3meta"), "*", SearchOption.AllDirectories));
        Assert.Equal("application/json", (await Store.GetAsync("output/t1/state.json", default))!.ContentType);
    }

    [Fact]
    public async Task ExpendableObjectsAreStoredLikeAnyOther()
    {
        // Whether a write called fsync is not observable from here without a power cut; what is: the same atomic
        // writes, reads, events and create-once rule, for the keys the owner declared expendable.
        var created = new List<string>();
        var store = new DirectoryObjectStore(_root, "testbucket", key => key.EndsWith("/state.json", StringComparison.Ordinal));
        store.ObjectCreated += (c, _) =>
        {
            created.Add(c.Key);
            return Task.CompletedTask;
        };

        await store.PutAsync("t/state.json", new MemoryStream([1]), "application/json", default);
        await store.PutAsync("t/state.json", new MemoryStream([2]), "application/json", default);
        Assert.Null(await store.TryCreateAsync("t/state.json", new byte[] { 3 }, "application/json", default));
        Assert.NotNull(await store.TryCreateAsync("u/state.json", new byte[] { 4 }, "application/json", default));

        Assert.Equal([2], (await store.GetAsync("t/state.json", default))!.Content.ToArray());
        Assert.Equal([4], (await store.GetAsync("u/state.json", default))!.Content.ToArray());
        Assert.Equal(["t/state.json", "t/state.json", "u/state.json"], created);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "s3tmp")));
    }

    [Fact]
    public async Task StoresThatShareNoLockStillHaveExactlyOneWinnerPerKey()
    {
        // Separate instances do not share the in-process key locks: only link()'s atomicity decides here.
        var stores = Enumerable.Range(0, 8).Select(_ => new DirectoryObjectStore(_root, "testbucket")).ToList();
        for (var round = 0; round < 20; round++)
        {
            var key = $"race/{round}/request.json";
            var outcomes = await Task.WhenAll(stores.Select((store, i) =>
                Task.Run(() => store.TryCreateAsync(key, new[] { (byte)i }, "application/json", default))));

            var winner = Assert.Single(Enumerable.Range(0, stores.Count), i => outcomes[i] is not null);
            Assert.Equal([(byte)winner], (await stores[0].GetAsync(key, default))!.Content.ToArray());
        }
    }

    protected override Task<IObjectStore> CreateStoreAsync()
    {
        var store = new DirectoryObjectStore(_root, "testbucket");
        store.ObjectCreated += (created, _) =>
        {
            _created.Enqueue(created);
            return Task.CompletedTask;
        };
        return Task.FromResult<IObjectStore>(store);
    }

    protected override Task<IObjectStore> CreateUnreachableStoreAsync()
    {
        // A data directory below a regular file can never be created.
        var file = Path.Combine(_root, "not-a-directory");
        File.WriteAllText(file, "x");
        return Task.FromResult<IObjectStore>(new DirectoryObjectStore(Path.Combine(file, "data"), "testbucket"));
    }

    protected override async Task<IReadOnlyList<ObjectCreated>> WaitForObjectCreatedAsync(int count, TimeSpan timeout)
    {
        // The directory store raises its events before a write returns: they are all here already.
        await Task.Yield();
        return _created.ToList();
    }
}
