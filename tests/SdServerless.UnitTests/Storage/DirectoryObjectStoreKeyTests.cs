using SdServerless.Local.Storage;

namespace SdServerless.UnitTests.Storage;

public sealed class DirectoryObjectStoreKeyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sdserverless-keys-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("../outside.json")]
    [InlineData("output/../../../outside.json")]
    [InlineData("/tmp/outside.json")]
    public async Task NoOperationAcceptsAKeyThatWouldLeaveTheBucketDirectory(string key)
    {
        var store = new DirectoryObjectStore(Path.Combine(_root, "data"), "outputbucket");

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryCreateAsync(key, new byte[] { 1 }, "application/json", default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, new MemoryStream([1]), "application/json", default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(key, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key, default));
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void AValidKeyMapsToAPathInsideTheBucketDirectory()
    {
        var store = new DirectoryObjectStore(_root, "outputbucket");

        var path = store.GetObjectPath("output/t1/t1-1.png");

        Assert.Equal(Path.Combine(_root, "s3", "outputbucket", "output", "t1", "t1-1.png"), path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    public void ABucketNameThatIsNotOneSafeSegmentIsRefused(string bucket)
    {
        Assert.Throws<ArgumentException>(() => new DirectoryObjectStore(_root, bucket));
    }

    [Fact]
    public async Task ListingWithATraversingPrefixIsRefused()
    {
        var store = new DirectoryObjectStore(_root, "outputbucket");

        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync("../", default));
    }
}
