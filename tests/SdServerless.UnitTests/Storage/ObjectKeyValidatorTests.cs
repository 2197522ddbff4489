using SdServerless.Local.Storage;

namespace SdServerless.UnitTests.Storage;

public sealed class ObjectKeyValidatorTests
{
    [Theory]
    [InlineData("output/test-i2i/result.json")]
    [InlineData("output/test-i2i/test-i2i-1.png")]
    [InlineData("a")]
    [InlineData("out put/tâche 1/result.json")]
    [InlineData("...")]
    [InlineData("..hidden/.x")]
    public void OrdinaryKeysAreAccepted(string key)
    {
        Assert.Null(ObjectKeyValidator.Check(key));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("../secret", "'..' segment")]
    [InlineData("output/../../etc/passwd", "'..' segment")]
    [InlineData("output/./x", "'.' segment")]
    [InlineData("/etc/passwd", "starts with '/'")]
    [InlineData("output//x", "empty segment")]
    [InlineData("output/", "empty segment")]
    [InlineData("output/x\0y", "NUL")]
    public void KeysThatCouldEscapeOrAliasAreRefusedWithTheReason(string key, string reason)
    {
        Assert.Contains(reason, ObjectKeyValidator.Check(key), StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyOrSegmentTooLongForTheFileSystemIsRefused()
    {
        Assert.Contains("segment is longer", ObjectKeyValidator.Check("output/" + new string('a', 256)), StringComparison.Ordinal);
        Assert.Contains("key is longer", ObjectKeyValidator.Check(string.Join('/', Enumerable.Repeat(new string('a', 200), 6))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("output/")]
    [InlineData("output/ta")]
    [InlineData("output/..")]
    public void PrefixesMayEndInAPartialSegment(string prefix)
    {
        Assert.Null(ObjectKeyValidator.CheckPrefix(prefix));
    }

    [Theory]
    [InlineData("../")]
    [InlineData("output/../x")]
    [InlineData("/output/")]
    public void PrefixesThatLeaveTheBucketAreRefused(string prefix)
    {
        Assert.NotNull(ObjectKeyValidator.CheckPrefix(prefix));
    }
}
