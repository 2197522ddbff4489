namespace SdServerless.UnitTests.Dispatch;

public sealed class HttpInputDownloaderTests
{
    private static readonly byte[] Png = FakeSdWebUi.Png(1);

    private static HttpInputDownloader Downloader(Func<HttpRequestMessage, HttpResponseMessage> answer, bool allowHttp = false, long maxBytes = 1024) =>
        new(new SdServerlessOptions { AllowHttp = allowHttp, MaxInputBytes = maxBytes }, new DispatcherOptions(), new AnsweringHandler(answer));

    private static async Task<DispatchFailure> FailureAsync(HttpInputDownloader downloader, string url) =>
        await Assert.ThrowsAsync<DispatchFailure>(() => downloader.DownloadAsync(url, "image_link", CancellationToken.None));

    private static HttpResponseMessage Redirect(string location) =>
        new(HttpStatusCode.Found) { Headers = { Location = new Uri(location, UriKind.RelativeOrAbsolute) } };

    [Fact]
    public async Task AnImageIsDownloadedThroughUpToThreeRedirects()
    {
        var downloader = Downloader(request => request.RequestUri!.AbsolutePath switch
        {
            "/1" => Redirect("/2"),
            "/2" => Redirect("https://cdn.example.com/3"),
            "/3" => Redirect("/final.png"),
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Png) },
        });

        var bytes = await downloader.DownloadAsync("https://images.example.com/1", "image_link", CancellationToken.None);

        Assert.Equal(Png, bytes.ToArray());
    }

    [Fact]
    public async Task AFourthRedirectIsRefused()
    {
        var hops = 0;
        var downloader = Downloader(_ => Redirect($"/hop{++hops}"));

        var failure = await FailureAsync(downloader, "https://images.example.com/start");

        Assert.Equal("input_unavailable", failure.Error.Type);
        Assert.False(failure.IsTransient);
        Assert.Equal(4, hops);
    }

    [Fact]
    public async Task ARedirectToPlainHttpIsRefusedWhereHttpIsNotAllowed()
    {
        var downloader = Downloader(_ => Redirect("http://images.example.com/cat.png"));

        var failure = await FailureAsync(downloader, "https://images.example.com/cat.png");

        Assert.Equal("input_address_refused", failure.Error.Type);
        Assert.Contains("redirects to http://images.example.com/cat.png", failure.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "input_unavailable", false)]
    [InlineData(HttpStatusCode.Forbidden, "input_unavailable", false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "input_unavailable", true)]
    public async Task AnErrorAnswerFailsTheDownload(HttpStatusCode status, string type, bool transient)
    {
        var failure = await FailureAsync(Downloader(_ => new HttpResponseMessage(status)), "https://images.example.com/cat.png");

        Assert.Equal(type, failure.Error.Type);
        Assert.Equal(transient, failure.IsTransient);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BytesThatAreNotAnImageAreRefused()
    {
        var downloader = Downloader(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>cat</html>") });

        var failure = await FailureAsync(downloader, "https://images.example.com/cat.png");

        Assert.Equal("input_not_image", failure.Error.Type);
        Assert.Contains("text/plain", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnnouncedSizeAboveTheLimitIsRefusedUnread()
    {
        var downloader = Downloader(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[2048]) });

        Assert.Equal("input_too_large", (await FailureAsync(downloader, "https://images.example.com/big.png")).Error.Type);
    }

    [Fact]
    public async Task AStreamedBodyIsCutOffOnceItPassesTheLimit()
    {
        var stream = new EndlessStream();
        var downloader = Downloader(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) });

        var failure = await FailureAsync(downloader, "https://images.example.com/endless.png");

        Assert.Equal("input_too_large", failure.Error.Type);
        Assert.InRange(stream.Served, 1025, 64 * 1024);
    }

    [Fact]
    public async Task AnImageExactlyAtTheLimitIsAccepted()
    {
        var image = new byte[1024];
        Png.CopyTo(image, 0);
        var downloader = Downloader(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(image)) });

        Assert.Equal(1024, (await downloader.DownloadAsync("https://images.example.com/x.png", "mask", CancellationToken.None)).Length);
    }

    [Theory]
    [InlineData("https://user:secret@images.example.com/cat.png")]
    [InlineData("ftp://images.example.com/cat.png")]
    [InlineData("http://images.example.com/cat.png")]
    public async Task UrlsBreakingTheRulesAreRefusedBeforeAnyRequest(string url)
    {
        var requests = 0;
        var downloader = Downloader(_ =>
        {
            requests++;
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        Assert.Equal("input_address_refused", (await FailureAsync(downloader, url)).Error.Type);
        Assert.Equal(0, requests);
    }

    private sealed class AnsweringHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }

    /// <summary>An image header followed by zeros, forever, with no announced length.</summary>
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, 100);
            Array.Clear(buffer, offset, n);
            if (Served == 0)
            {
                Png.AsSpan(0, Math.Min(n, Png.Length)).CopyTo(buffer.AsSpan(offset));
            }

            Served += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
