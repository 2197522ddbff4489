using System.Security.Cryptography;
using SdServerless.Emulator.Images;
using SdServerless.IntegrationTests.EndToEnd;
using Xunit.Abstractions;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>
/// Twenty tasks each naming the most input a task may (4 URLs, 20 MB together) run through the local host process: its
/// memory stays bounded by the inputs of the tasks it works on at once, not by those it has accepted.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InputMemoryTests(ITestOutputHelper output)
{
    private const int Tasks = 20;
    private const int InputsPerTask = 4;
    private const long HeapLimitBytes = 300L * 1024 * 1024;

    /// <summary>An uncompressible PNG of about 4.8 MB: four of them are just under the 20 MB a task may download.</summary>
    private static readonly byte[] Input = NoisePng(1260, 1260);

    [Fact]
    public async Task TwentyTasksWithTheLargestAllowedInputsKeepTheHostsMemoryBounded()
    {
        await using var inputs = await LoopbackHttpServer.StartAsync();
        inputs.Handler = async (_, context) =>
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(Input);
        };
        // SD Web UI (the emulator) in this process: the host's memory is then the control plane's alone.
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Workers = 2, ModelSwitchDelay = TimeSpan.Zero });
        // The managed heap may not pass 300 MB: less than the 402 MB of inputs the accepted tasks name, far more than
        // the two tasks' worth (a running and a prefetched one, about 45 MB each: the downloads and the request body)
        // the host works on at once. Holding more than it may, it would fail with OutOfMemoryException.
        var limit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimitBytes.ToString("x", System.Globalization.CultureInfo.InvariantCulture) };
        await using var host = await LocalHostProcess.StartWithEnvironmentAsync(limit, null, "--allow-private-network", "--sdwebui", emulator.BaseUrl.ToString().TrimEnd('/'));
        using var client = new PipelineClient(host);
        var baseline = host.PeakResidentBytes;

        for (var t = 0; t < Tasks; t++)
        {
            var urls = string.Join(",", Enumerable.Range(0, InputsPerTask).Select(i => $"\"{inputs.Url($"/t{t}/in{i}.png")}\""));
            await client.SubmitAsync(
                "v1alpha2",
                $$"""{"task":{"metadata":{"id":"big-{{t}}","runtime":"sdruntime","tasktype":"image-to-image"},"content":""" +
                $$"""{"prompt":"p","width":512,"height":512,"batch_size":4,"init_images":[{{urls}}]""" + "}}}");
        }

        for (var t = 0; t < Tasks; t++)
        {
            var (final, _) = await client.WaitUntilFinishedAsync($"big-{t}", TimeSpan.FromMinutes(3));
            Assert.Equal("succeeded", final["status"]!.GetValue<string>());
        }

        var peak = host.PeakResidentBytes;
        var accepted = (long)Tasks * InputsPerTask * Input.Length;
        output.WriteLine($"peak resident {peak / 1e6:0} MB (at start {baseline / 1e6:0} MB) under a {HeapLimitBytes / 1e6:0} MB heap limit; inputs of all accepted tasks {accepted / 1e6:0} MB");

        Assert.Equal(Tasks * InputsPerTask, inputs.Requests.Count);
        Assert.DoesNotContain("OutOfMemory", host.Output, StringComparison.Ordinal);
        Assert.True(peak < accepted + baseline, $"peak resident {peak / 1e6:0} MB");
    }

    private static byte[] NoisePng(int width, int height)
    {
        return PngEncoder.Encode(width, height, 3, (_, row) => RandomNumberGenerator.Fill(row));
    }
}
