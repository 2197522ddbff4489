using SdServerless.UnitTests.Api;
using SdServerless.UnitTests.Dispatch;
using static SdServerless.UnitTests.Api.ApiTestHost;

namespace SdServerless.UnitTests.Reliability;

/// <summary>A small request must not make the host download, resolve or hold without bound.</summary>
public sealed class InputBoundsTests
{
    [Fact]
    public async Task AThousandUrlInputsAreRefusedAtSubmissionWithoutOneDnsLookup()
    {
        var lookups = 0;
        var host = new ApiTestHost(resolve: (_, _) =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult(new[] { IPAddress.Parse("93.184.216.34") });
        });
        var urls = string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"https://images.example.com/{i}.png\""));

        var answer = await host.PostAsync("/v1alpha2", InitImages(urls));

        Assert.Equal(400, answer.StatusCode);
        Assert.Contains("task.content.init_images", ErrorFields(answer));
        Assert.Contains("at most 16", answer.Body, StringComparison.Ordinal);
        Assert.Equal(0, lookups);
        Assert.Empty(host.Queue.Bodies);
    }

    [Fact]
    public async Task MoreUrlInputsThanTheLimitAreRefusedAndOnlyTheAllowedOnesAreResolved()
    {
        var lookups = 0;
        var host = new ApiTestHost(resolve: (_, _) =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult(new[] { IPAddress.Parse("93.184.216.34") });
        });
        var urls = string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"https://images.example.com/{i}.png\""));

        var answer = await host.PostAsync("/v1alpha2", InitImages(urls, batchSize: 10));

        Assert.Equal(400, answer.StatusCode);
        Assert.Contains("at most 4 URL inputs", answer.Body, StringComparison.Ordinal);
        Assert.True(lookups <= ContentValidator.MaxUrlInputs, $"{lookups} lookups");
    }

    [Fact]
    public async Task TheUrlChecksOfOneSubmissionTakeOneResolverTimeoutNotOnePerUrl()
    {
        var host = new ApiTestHost(resolve: async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(5), ct);
            return [];
        });
        var urls = string.Join(",", Enumerable.Range(0, 4).Select(i => $"\"https://slow{i}.example.com/x.png\""));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var answer = await host.PostAsync("/v1alpha2", InitImages(urls, batchSize: 4));

        // Four sequential 5 s timeouts would take 20 s; together they take one.
        Assert.Equal(200, answer.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task TheInputsOfOneTaskAreDownloadedOneAtATimeWithinOneBudget()
    {
        var harness = new DispatcherHarness();
        harness.Options.MaxInputBytes = 10_000;
        var image = new byte[4_000];
        FakeSdWebUi.Png(1).CopyTo(image, 0);
        for (var i = 0; i < 4; i++)
        {
            harness.Inputs.Files[$"https://images.example.com/{i}.png"] = image;
        }

        var urls = string.Join(",", Enumerable.Range(0, 4).Select(i => $"\"https://images.example.com/{i}.png\""));
        var task = DispatcherHarness.Task("budget", TaskType.ImageToImage, $$"""{"prompt":"p","batch_size":4,"init_images":[{{urls}}]}""");
        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(task));

        var result = (await harness.ResultAsync("budget"))!;
        Assert.Equal("input_too_large", (string?)result["error"]!["type"]);
        Assert.Contains("init_images[2]", (string?)result["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(harness.SdWebUi.Generations);
        Assert.Equal(3, harness.Inputs.Downloaded.Count);
    }

    [Fact]
    public async Task ADownloadedImageLargerThanTheRuntimeTakesFailsTheTaskBeforeAnyServerIsUsed()
    {
        var harness = new DispatcherHarness();

        // Some kilobytes of PNG that SD Web UI would decode to 20,000 pixels wide, five times what the runtime takes.
        harness.Inputs.Files["https://images.example.com/huge.png"] = SdServerless.Emulator.Images.PngEncoder.Encode(20_000, 16, 3, (_, row) => row.Clear());
        var task = DispatcherHarness.Task("huge", TaskType.ImageToImage, """{"prompt":"p","init_images":["https://images.example.com/huge.png"]}""");
        await harness.DispatchAsync(await harness.EnqueueAndReceiveAsync(task));

        var result = (await harness.ResultAsync("huge"))!;
        Assert.Equal("input_too_large", (string?)result["error"]!["type"]);
        Assert.Contains("init_images[0] is a 20000×16 image", (string?)result["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(harness.SdWebUi.Generations);
    }

    [Fact]
    public async Task DownloadsInTheProcessRunAtMostFourAtATime()
    {
        var running = 0;
        var peak = 0;
        using var downloader = new HttpInputDownloader(new SdServerlessOptions(), new DispatcherOptions(), new DelegatingAnswer(async () =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(50);
            Interlocked.Decrement(ref running);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(FakeSdWebUi.Png(1)) };
        }));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => downloader.DownloadAsync($"https://images.example.com/{i}.png", "image_link", default)));

        Assert.InRange(peak, 1, HttpInputDownloader.MaxConcurrentDownloads);
    }

    [Fact]
    public async Task AnAnnouncedLengthIsNotAllocatedBeforeTheBytesArrive()
    {
        using var downloader = new HttpInputDownloader(new SdServerlessOptions(), new DispatcherOptions(), new DelegatingAnswer(() =>
        {
            var content = new ByteArrayContent(FakeSdWebUi.Png(1));
            content.Headers.ContentLength = 20 * 1024 * 1024 - 1;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }));
        await downloader.DownloadAsync("https://images.example.com/warm.png", "image_link", default);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < 20; i++)
        {
            await downloader.DownloadAsync($"https://images.example.com/{i}.png", "image_link", default);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        // 20 downloads with a 20 MB buffer each would be 400 MB; other tests allocate alongside, hence the margin.
        Assert.True(allocated < 100L * 1024 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public async Task APresignedInputUrlsSignatureNeverAppearsInTheFailure()
    {
        using var downloader = new HttpInputDownloader(new SdServerlessOptions(), new DispatcherOptions(), new DelegatingAnswer(() =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden))));
        const string PresignedLink = "https://bucket.s3.amazonaws.com/in/cat.png?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=deadbeef";

        var failure = await Assert.ThrowsAsync<DispatchFailure>(() => downloader.DownloadAsync(PresignedLink, "image_link", default));

        Assert.Contains("https://bucket.s3.amazonaws.com/in/cat.png", failure.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("deadbeef", failure.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAEXAMPLE", failure.Error.Message, StringComparison.Ordinal);
    }

    private static string InitImages(string urls, int batchSize = 1) =>
        "{\"task\":{\"metadata\":{\"id\":\"many-urls\",\"runtime\":\"sdruntime\",\"tasktype\":\"image-to-image\"},"
        + $"\"content\":{{\"prompt\":\"p\",\"batch_size\":{batchSize},\"init_images\":[{urls}]}}}}}}";

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class DelegatingAnswer(Func<Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer();
    }
}
