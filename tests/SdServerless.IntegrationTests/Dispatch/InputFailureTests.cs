using Microsoft.AspNetCore.Http;
using SdServerless.Core.Net;

namespace SdServerless.IntegrationTests.Dispatch;

/// <summary>Inputs that cannot be used fail the task with a clear error, and SD Web UI never hears of it.</summary>
[Trait("Category", "Integration")]
public sealed class InputFailureTests
{
    private static async Task<(DispatchTestbed Bed, Func<int> SdRequests)> StartAsync(bool allowPrivateNetwork = true, long maxInputBytes = 20 * 1024 * 1024, Func<IPAddress, bool>? isPublic = null)
    {
        var requests = 0;
        var bed = await DispatchTestbed.StartAsync(
            new EmulatorOptions { Faults = _ => { Interlocked.Increment(ref requests); return null; } },
            allowPrivateNetwork,
            maxInputBytes: maxInputBytes,
            isPublic: isPublic);
        return (bed, () => Volatile.Read(ref requests));
    }

    private static async Task<string> FailAsync(DispatchTestbed bed, Func<int> sdRequests, string path = "in.png")
    {
        var link = bed.Images.Url(path).ToString();
        var before = sdRequests();
        await bed.SubmitAsync(DispatchTestbed.Task("in", TaskType.ImageToImage, """{"prompt":"x"}""", imageLink: link));
        var responses = await bed.DrainAsync();

        Assert.All(responses, r => Assert.Empty(r.BatchItemFailures));
        var result = await bed.ResultAsync("in");
        Assert.Equal("failed", (string?)result["status"]);
        Assert.Equal(before, sdRequests());
        Assert.Contains(path, (string?)result["error"]!["message"], StringComparison.Ordinal);
        return (string)result["error"]!["type"]!;
    }

    [Fact]
    public async Task AMissingInputFails()
    {
        var (bed, sd) = await StartAsync();
        await using var _ = bed;
        bed.Images.AnswerWith(404);

        Assert.Equal("input_unavailable", await FailAsync(bed, sd));
    }

    [Fact]
    public async Task AnInputThatIsNotAnImageFails()
    {
        var (bed, sd) = await StartAsync();
        await using var _ = bed;
        bed.Images.Handler = (_, context) => context.Response.WriteAsync("<html>a cat</html>");

        Assert.Equal("input_not_image", await FailAsync(bed, sd));
    }

    [Fact]
    public async Task AnInputAboveTheSizeLimitFails()
    {
        var (bed, sd) = await StartAsync(maxInputBytes: 100_000);
        await using var _ = bed;
        var png = await bed.RenderPngAsync(64, 64);
        bed.Images.Handler = async (_, context) =>
        {
            // Streamed without a length: the limit has to be enforced while reading.
            await context.Response.Body.WriteAsync(png);
            for (var i = 0; i < 50; i++)
            {
                await context.Response.Body.WriteAsync(new byte[8192]);
            }
        };

        Assert.Equal("input_too_large", await FailAsync(bed, sd));
    }

    [Fact]
    public async Task AnInputOnAPrivateAddressIsRefused()
    {
        var (bed, sd) = await StartAsync(allowPrivateNetwork: false);
        await using var _ = bed;

        Assert.Equal("input_address_refused", await FailAsync(bed, sd));
        Assert.Empty(bed.Images.Requests);
    }

    [Fact]
    public async Task ARedirectToAPrivateAddressIsRefused()
    {
        // 127.0.0.1 stands for the public internet here; everything else follows the real rules.
        var (bed, sd) = await StartAsync(allowPrivateNetwork: false, isPublic: a => a.Equals(IPAddress.Loopback) || UrlPolicy.IsPublic(a));
        await using var _ = bed;
        bed.Images.Handler = (_, context) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "http://169.254.169.254/latest/meta-data/";
            return Task.CompletedTask;
        };

        Assert.Equal("input_address_refused", await FailAsync(bed, sd));
        Assert.Single(bed.Images.Requests);
    }
}
