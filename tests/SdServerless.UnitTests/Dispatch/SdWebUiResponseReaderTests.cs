using SdServerless.Core.SdWebUi;

namespace SdServerless.UnitTests.Dispatch;

public sealed class SdWebUiResponseReaderTests
{
    private static async Task<(SdWebUiResponse Response, List<(int Number, byte[] Bytes)> Images)> ReadAsync(string json, int chunk)
    {
        var images = new List<(int, byte[])>();
        await using var stream = new TrickleStream(Encoding.UTF8.GetBytes(json), chunk);
        var response = await SdWebUiResponseReader.ReadAsync(
            stream,
            (number, image, _) =>
            {
                images.Add((number, image.ToArray()));
                return Task.CompletedTask;
            },
            CancellationToken.None);
        return (response, images);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public async Task ImagesArriveInOrderWithParametersAndParsedInfoWhateverTheChunking(int chunk)
    {
        var large = new byte[200_000];
        new Random(5).NextBytes(large);
        var json = $$"""
            { "images" : ["{{Convert.ToBase64String([1, 2, 3])}}", "{{Convert.ToBase64String(large)}}", "data:image/png;base64,{{Convert.ToBase64String([7])}}"],
              "parameters": {"prompt":"a \"cat\"","styles":[],"nested":{"a":[1,2,{"b":null} ] } },
              "info": "{\"seed\": 5, \"all_seeds\": [5, 6, 7], \"infotexts\": [\"x\"]}" }
            """;

        var (response, images) = await ReadAsync(json, chunk);

        Assert.Equal([1, 2, 3], images.Select(i => i.Number));
        Assert.Equal(new byte[] { 1, 2, 3 }, images[0].Bytes);
        Assert.Equal(large, images[1].Bytes);
        Assert.Equal(new byte[] { 7 }, images[2].Bytes);
        Assert.Equal(3, response.ImageCount);
        Assert.Equal("a \"cat\"", (string?)response.Parameters!["prompt"]);
        Assert.Equal([5, 6, 7], response.Info!["all_seeds"]!.AsArray().Select(s => (int)s!));
    }

    [Fact]
    public async Task ExtrasAnswerWithASingleImage()
    {
        var (response, images) = await ReadAsync($$"""{"html_info":"<p>done</p>","image":"{{Convert.ToBase64String([4, 2])}}"}""", 3);

        Assert.Equal(new byte[] { 4, 2 }, Assert.Single(images).Bytes);
        Assert.Null(response.Parameters);
    }

    [Fact]
    public async Task EscapedBase64IsUnescapedFirst()
    {
        var base64 = Convert.ToBase64String([0xFB, 0xFF, 0xBF]);
        Assert.Contains('/', base64);

        var (_, images) = await ReadAsync($$"""{"images":["{{base64.Replace("/", "\\/", StringComparison.Ordinal)}}"]}""", 2);

        Assert.Equal(new byte[] { 0xFB, 0xFF, 0xBF }, Assert.Single(images).Bytes);
    }

    [Fact]
    public async Task InfoThatIsNotJsonIsKeptAsText()
    {
        var (response, _) = await ReadAsync("""{"images":[],"info":"plain words"}""", 4);

        Assert.Equal("plain words", (string?)response.Info);
    }

    [Fact]
    public async Task AnAnswerCutOffInTheMiddleIsAnEndOfStream()
    {
        await Assert.ThrowsAsync<EndOfStreamException>(() => ReadAsync("""{"images":["AAAA","BBB""", 5));
    }

    [Fact]
    public async Task ImagesThatAreNotBase64AreRefused()
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync("""{"images":["not base64!"]}""", 50));
    }

    [Fact]
    public async Task AValueLongerThanTheBoundFailsTheAnswerWithoutReadingTheRest()
    {
        var image = new string('A', 3 * 1024 * 1024);
        using var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($$"""{"images":["{{image}}"]}"""));

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() =>
            SdWebUiResponseReader.ReadAsync(stream, (_, _, _) => Task.CompletedTask, default, maxValueBytes: 1024 * 1024));

        Assert.Contains("longer than 1 MiB", refused.Message, StringComparison.Ordinal);
        Assert.True(stream.Position < stream.Length, "the whole answer was read");
    }

    [Fact]
    public async Task AnAnswerWithMoreImagesThanATaskCanMakeIsRefusedAfterTheBound()
    {
        var images = string.Join(",", Enumerable.Repeat("\"AAAA\"", SdWebUiResponseReader.MaxImages + 1));
        var stored = 0;
        using var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($$"""{"images":[{{images}}]}"""));

        await Assert.ThrowsAsync<InvalidDataException>(() => SdWebUiResponseReader.ReadAsync(stream, (_, _, _) =>
        {
            stored++;
            return Task.CompletedTask;
        }, default));

        Assert.Equal(SdWebUiResponseReader.MaxImages, stored);
    }

    /// <summary>Returns at most <paramref name="chunk"/> bytes per read, as a slow network would.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
