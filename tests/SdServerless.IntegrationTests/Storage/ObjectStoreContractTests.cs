using SdServerless.Core;

namespace SdServerless.IntegrationTests.Storage;

/// <summary>
/// What every <see cref="IObjectStore"/> must do; each implementation runs these through a subclass.
/// Keys are unique per test, so implementations may share a bucket.
/// </summary>
public abstract class ObjectStoreContractTests : IAsyncLifetime
{
    private static readonly TimeSpan NotificationTimeout = TimeSpan.FromSeconds(30);
    private readonly string _prefix = $"contract/{Guid.NewGuid():N}/";

    protected IObjectStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CreatingAnExistingKeyReturnsFalseAndKeepsTheFirstContent()
    {
        var key = Key("result.json");

        Assert.NotNull(await Store.TryCreateAsync(key, Bytes("first"), "application/json", default));
        Assert.Null(await Store.TryCreateAsync(key, Bytes("second"), "text/plain", default));

        var stored = await Store.GetAsync(key, default);
        Assert.NotNull(stored);
        Assert.Equal("first", Text(stored.Content));
        Assert.Equal("application/json", stored.ContentType);
    }

    [Fact]
    public async Task ConcurrentCreatesOfOneKeyHaveExactlyOneWinner()
    {
        var key = Key("request.json");
        var contenders = Enumerable.Range(0, 12).Select(i => $"contender-{i}").ToList();

        var outcomes = await Task.WhenAll(contenders.Select(content =>
            Task.Run(() => Store.TryCreateAsync(key, Bytes(content), "application/json", default))));

        var winners = contenders.Where((_, i) => outcomes[i] is not null).ToList();
        Assert.Single(winners);
        var stored = await Store.GetAsync(key, default);
        Assert.Equal(winners[0], Text(stored!.Content));
        Assert.Equal(stored.ETag, outcomes.Single(o => o is not null));
    }

    [Fact]
    public async Task TheETagACreateAnswersIsTheObjectsOwnAndReplacesItWithoutAReadBack()
    {
        var key = Key("request.json");

        var created = await Store.TryCreateAsync(key, Bytes("v1"), "application/json", default);

        Assert.False(string.IsNullOrEmpty(created));
        Assert.Equal((await Store.GetAsync(key, default))!.ETag, created);
        Assert.True(await Store.TryReplaceAsync(key, Bytes("v2"), "application/json", created, default));
        Assert.False(await Store.TryReplaceAsync(key, Bytes("v3"), "application/json", created, default));
        Assert.Equal("v2", Text((await Store.GetAsync(key, default))!.Content));
    }

    [Fact]
    public async Task AReplaceWithTheCurrentETagWinsAndOneWithAStaleETagLoses()
    {
        var key = Key("request.json");
        await Store.TryCreateAsync(key, Bytes("v1"), "application/json", default);
        var first = (await Store.GetAsync(key, default))!;

        Assert.True(await Store.TryReplaceAsync(key, Bytes("v2"), "application/json", first.ETag, default));
        Assert.False(await Store.TryReplaceAsync(key, Bytes("v3"), "application/json", first.ETag, default));
        var second = (await Store.GetAsync(key, default))!;

        Assert.Equal("v2", Text(second.Content));
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.True(await Store.TryReplaceAsync(key, Bytes("v4"), "application/json", second.ETag, default));
        Assert.Equal("v4", Text((await Store.GetAsync(key, default))!.Content));
    }

    [Fact]
    public async Task ReplacingAMissingObjectReturnsFalseAndCreatesNothing()
    {
        var key = Key("missing.json");

        Assert.False(await Store.TryReplaceAsync(key, Bytes("x"), "application/json", "\"0123456789abcdef0123456789abcdef\"", default));

        Assert.Null(await Store.GetAsync(key, default));
    }

    [Fact]
    public async Task ConcurrentReplacesOfOneVersionHaveExactlyOneWinner()
    {
        var key = Key("contested.json");
        for (var round = 0; round < 5; round++)
        {
            await Store.PutAsync(key, new MemoryStream(Bytes($"round-{round}").ToArray()), "application/json", default);
            var eTag = (await Store.GetAsync(key, default))!.ETag;
            var contenders = Enumerable.Range(0, 10).Select(i => $"round-{round}-contender-{i}").ToList();

            var outcomes = await Task.WhenAll(contenders.Select(content =>
                Task.Run(() => Store.TryReplaceAsync(key, Bytes(content), "application/json", eTag, default))));

            var winner = Assert.Single(contenders.Where((_, i) => outcomes[i]));
            Assert.Equal(winner, Text((await Store.GetAsync(key, default))!.Content));
        }
    }

    [Fact]
    public async Task CopyingReplacesTheDestinationWithTheSourcesBytesAndTypeAndAMissingSourceCopiesNothing()
    {
        var source = Key("attempts/a/x-1.webp");
        var destination = Key("out/x-1.webp");
        var bytes = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray();
        await Store.PutAsync(source, new MemoryStream(bytes), "image/webp", default);
        await Store.PutAsync(destination, new MemoryStream(Bytes("older").ToArray()), "image/png", default);

        Assert.True(await Store.CopyAsync(source, destination, default));
        await Store.DeleteAsync(source, default);

        var copied = (await Store.GetAsync(destination, default))!;
        Assert.Equal(bytes, copied.Content.ToArray());
        Assert.Equal("image/webp", copied.ContentType);
        Assert.False(await Store.CopyAsync(Key("attempts/none.png"), Key("out/none.png"), default));
        Assert.Null(await Store.GetAsync(Key("out/none.png"), default));
    }

    [Fact]
    public async Task PutThenGetReturnsTheBytesAndTheContentType()
    {
        var key = Key("image-1.png");
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();

        await Store.PutAsync(key, new MemoryStream(bytes), "image/png", default);
        var stored = await Store.GetAsync(key, default);

        Assert.NotNull(stored);
        Assert.Equal(key, stored.Key);
        Assert.Equal(bytes, stored.Content.ToArray());
        Assert.Equal("image/png", stored.ContentType);
    }

    [Fact]
    public async Task PutReplacesAnExistingObjectEvenFromAStreamThatCannotSeek()
    {
        var key = Key("state.json");
        await Store.PutAsync(key, new MemoryStream(Bytes("old").ToArray()), "text/plain", default);

        await Store.PutAsync(key, new ForwardOnlyStream(Bytes("{\"new\":true}").ToArray()), "application/json", default);

        var stored = await Store.GetAsync(key, default);
        Assert.Equal("{\"new\":true}", Text(stored!.Content));
        Assert.Equal("application/json", stored.ContentType);
    }

    [Theory]
    [InlineData("notes.json", "text/plain; charset=utf-8")]
    [InlineData("no-extension", "image/png")]
    [InlineData("marker.done", "application/octet-stream")]
    [InlineData("picture.PNG", "image/png")]
    public async Task TheContentTypeGivenIsKeptWhateverTheExtension(string name, string contentType)
    {
        var key = Key(name);
        await Store.PutAsync(key, new MemoryStream(Bytes("x").ToArray()), "image/webp", default);

        await Store.PutAsync(key, new MemoryStream(Bytes("y").ToArray()), contentType, default);
        Assert.NotNull(await Store.TryCreateAsync(Key("created-" + name), Bytes("z"), contentType, default));

        Assert.Equal(contentType, (await Store.GetAsync(key, default))!.ContentType);
        Assert.Equal(contentType, (await Store.GetAsync(Key("created-" + name), default))!.ContentType);
    }

    [Fact]
    public async Task GettingAMissingKeyReturnsNull()
    {
        Assert.Null(await Store.GetAsync(Key("missing.png"), default));
    }

    [Fact]
    public async Task ListingReturnsTheObjectsUnderAPrefixInKeyOrder()
    {
        string[] keys = ["task-b/result.json", "task-a/img-2.png", "task-a/img-1.png", "task-ab/x", "other/y"];
        foreach (var key in keys)
        {
            await Store.PutAsync(Key(key), new MemoryStream(Bytes(key).ToArray()), "application/octet-stream", default);
        }

        var all = await Store.ListAsync(_prefix, default);
        var taskA = await Store.ListAsync(Key("task-a/"), default);
        var startingWithTaskA = await Store.ListAsync(Key("task-a"), default);

        Assert.Equal(keys.Select(Key).Order(StringComparer.Ordinal), all.Select(o => o.Key));
        Assert.Equal([Key("task-a/img-1.png"), Key("task-a/img-2.png")], taskA.Select(o => o.Key));
        Assert.Equal(Encoding.UTF8.GetByteCount("task-a/img-1.png"), taskA[0].Size);
        Assert.Equal([Key("task-a/img-1.png"), Key("task-a/img-2.png"), Key("task-ab/x")], startingWithTaskA.Select(o => o.Key));
        Assert.Empty(await Store.ListAsync(Key("nothing-here/"), default));
    }

    [Fact]
    public async Task APageListsAtMostMaxKeysAfterTheCursorInKeyOrder()
    {
        string[] names = ["0003-c", "0001-a", "0002-b", "0004-d"];
        foreach (var name in names)
        {
            await Store.PutAsync(Key("index/" + name), new MemoryStream(Bytes(name).ToArray()), "application/json", default);
        }

        var first = await Store.ListPageAsync(Key("index/"), null, 2, default);
        var second = await Store.ListPageAsync(Key("index/"), first[^1].Key, 2, default);
        var rest = await Store.ListPageAsync(Key("index/"), second[^1].Key, 2, default);

        Assert.Equal([Key("index/0001-a"), Key("index/0002-b")], first.Select(o => o.Key));
        Assert.Equal([Key("index/0003-c"), Key("index/0004-d")], second.Select(o => o.Key));
        Assert.Empty(rest);
    }

    [Fact]
    public async Task DeletingRemovesTheObjectAndAMissingKeyIsNoError()
    {
        var key = Key("to-delete.json");
        await Store.PutAsync(key, new MemoryStream(Bytes("x").ToArray()), "application/json", default);

        await Store.DeleteAsync(key, default);
        await Store.DeleteAsync(Key("never-existed.json"), default);

        Assert.Null(await Store.GetAsync(key, default));
        Assert.Empty(await Store.ListAsync(key, default));
        Assert.NotNull(await Store.TryCreateAsync(key, Bytes("again"), "application/json", default));
    }

    [Fact]
    public async Task CreatesAndPutsRaiseObjectCreatedButALostCreateDoesNot()
    {
        var created = Key("created.json");
        var put = Key("put.png");
        var last = Key("last/result.json");

        await Store.TryCreateAsync(created, Bytes("1"), "application/json", default);
        await Store.TryCreateAsync(created, Bytes("lost"), "application/json", default);
        await Store.PutAsync(put, new MemoryStream(Bytes("22").ToArray()), "image/png", default);
        await Store.PutAsync(last, new MemoryStream(Bytes("333").ToArray()), "application/json", default);

        var events = await WaitForObjectCreatedAsync(3, NotificationTimeout);
        Assert.Equal(
            [(created, 1L), (last, 3L), (put, 2L)],
            events.Select(e => (e.Key, e.Size)).OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal(Store.BucketName, e.Bucket));
    }

    [Fact]
    public async Task AnUnreachableStoreThrowsDependencyUnavailable()
    {
        var unreachable = await CreateUnreachableStoreAsync();

        await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            unreachable.PutAsync(Key("x.json"), new MemoryStream(Bytes("x").ToArray()), "application/json", default));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            unreachable.TryCreateAsync(Key("y.json"), Bytes("y"), "application/json", default));
    }

    protected abstract Task<IObjectStore> CreateStoreAsync();

    /// <summary>A store whose backing service or directory cannot be reached.</summary>
    protected abstract Task<IObjectStore> CreateUnreachableStoreAsync();

    /// <summary>
    /// The object-created notifications of <see cref="Store"/> seen so far, waiting up to <paramref name="timeout"/>
    /// until there are at least <paramref name="count"/>; then a short grace period catches surplus ones.
    /// </summary>
    protected abstract Task<IReadOnlyList<ObjectCreated>> WaitForObjectCreatedAsync(int count, TimeSpan timeout);

    private string Key(string name) => _prefix + name;

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
