using PuppeteerSharp;
using static SdServerless.IntegrationTests.Tasks.InProcessHost;

namespace SdServerless.IntegrationTests.Tasks;

/// <summary>
/// The local host's page in a real browser: Debian's Chromium driven by PuppeteerSharp (never a downloaded browser).
/// It must show a finished task's thumbnails and a running task's progress, read from the public API as any client.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PageBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task ThePageShowsAFinishedTasksThumbnailsAndARunningTasksProgress()
    {
        Assert.True(File.Exists(ChromiumPath),
            $"Chromium is not installed at {ChromiumPath}: install it with `apt-get install -y chromium` (scripts/test.sh does so when it is missing).");

        // 1.5 s per image: the finished task takes seconds, the running one (16 images) about 24 s.
        await using var host = await StartAsync(o => o.EmulatorDelayMs = 1_500);
        await host.SubmitAsync("lighthouse-at-dawn", seed: 1, batchSize: 3);
        await host.WaitForAsync("lighthouse-at-dawn", s => StatusOf(s) == "succeeded", "succeeded");
        await host.SubmitAsync("harbour-at-night", seed: 2, batchSize: 16);
        await host.WaitForAsync("harbour-at-night", s => StatusOf(s) == "running" && s["progress"]!.GetValue<double>() > 0, "showed progress");

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,

            // Root in a container has no user namespace for Chromium's sandbox.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1100, Height = 640 });
        await page.GoToAsync(host.Host.BaseUrl.ToString());

        // Thumbnails of the finished task, loaded from /objects/ (naturalWidth is 0 until an image decoded).
        await page.WaitForFunctionAsync(
            """() => [...document.querySelectorAll('.task[data-id="lighthouse-at-dawn"] img.thumb')].filter(i => i.complete && i.naturalWidth > 0).length === 3""",
            new WaitForFunctionOptions { Timeout = 30_000 });
        var progress = await page.WaitForFunctionAsync(
            """() => { const bar = document.querySelector('.task[data-id="harbour-at-night"] .progress'); return bar && Number(bar.dataset.progress) > 0 ? bar.dataset.progress : null; }""",
            new WaitForFunctionOptions { Timeout = 30_000 });
        Assert.InRange(double.Parse(await progress.JsonValueAsync<string>(), CultureInfo.InvariantCulture), 0.0001, 1);
        var depth = await page.WaitForSelectorAsync(".queue-depth", new WaitForSelectorOptions { Timeout = 10_000 });
        Assert.NotNull(depth);

        await page.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "page.png"));
        await host.CancelAsync("harbour-at-night");
    }
}
