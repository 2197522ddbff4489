namespace SdServerless.UnitTests.Tasks;

public class RequestHashTests
{
    private const string Compact = """{"task":{"metadata":{"id":"t1","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"a cat","steps":20,"styles":["x","y"]}}}""";

    [Fact]
    public async Task TheSameRequestWithOtherWhitespaceCommentsAndKeyOrderHashesEqual()
    {
        var reformatted = """
            {
              "task": {
                // the same request, laid out by hand
                "content": { "styles": ["x", "y"], "steps": 20, "prompt": "a cat", },
                "metadata": { "tasktype": "text-to-image", /* order */ "runtime": "sdruntime", "id": "t1" }
              }
            }
            """;

        var a = await Parsing.V2(Compact);
        var b = await Parsing.V2(reformatted);

        Assert.NotNull(a.RequestHash);
        Assert.Equal(a.RequestHash, b.RequestHash);
    }

    [Fact]
    public async Task EscapedAndPlainSpellingsOfAStringHashEqual()
    {
        var escaped = Compact.Replace("a cat", "a \\u0063at", StringComparison.Ordinal);

        Assert.Equal((await Parsing.V2(Compact)).RequestHash, (await Parsing.V2(escaped)).RequestHash);
    }

    [Theory]
    [InlineData("\"a cat\"", "\"a dog\"")]
    [InlineData("\"steps\":20", "\"steps\":21")]
    [InlineData("[\"x\",\"y\"]", "[\"y\",\"x\"]")]
    [InlineData("\"id\":\"t1\"", "\"id\":\"t2\"")]
    public async Task AChangedFieldChangesTheHash(string from, string to)
    {
        var changed = Compact.Replace(from, to, StringComparison.Ordinal);

        Assert.NotEqual(Compact, changed);
        Assert.NotEqual((await Parsing.V2(Compact)).RequestHash, (await Parsing.V2(changed)).RequestHash);
    }

    [Fact]
    public async Task AnAddedFieldChangesTheHash()
    {
        var added = Compact.Replace("\"steps\":20", "\"steps\":20,\"seed\":1", StringComparison.Ordinal);

        Assert.NotEqual((await Parsing.V2(Compact)).RequestHash, (await Parsing.V2(added)).RequestHash);
    }

    [Fact]
    public async Task KeyOrderDoesNotMatterInLargeObjectsEither()
    {
        var keys = Enumerable.Range(0, 40).Select(i => $"\"k{i:D2}\":{i}").ToArray();
        var forward = Parsing.V2Body("{" + string.Join(",", keys) + "}");
        var backward = Parsing.V2Body("{" + string.Join(",", keys.Reverse()) + "}");
        var changed = Parsing.V2Body("{" + string.Join(",", keys.Reverse()).Replace(":7,", ":8,", StringComparison.Ordinal) + "}");

        var hash = (await Parsing.V2(forward)).RequestHash;

        Assert.Equal(hash, (await Parsing.V2(backward)).RequestHash);
        Assert.NotEqual(hash, (await Parsing.V2(changed)).RequestHash);
    }
}
