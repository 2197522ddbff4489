using SdServerless.IntegrationTests.Infrastructure;

namespace SdServerless.IntegrationTests.EndToEnd;

public sealed class StatusProgressTests
{
    [Fact]
    public async Task TheStatusGoesFromQueuedThroughRunningToSucceeded()
    {
        // One emulated GPU at 3 s per image: the second task waits queued while the first runs.
        await using var host = await LocalHostProcess.StartAsync(null, "--emulator-delay-ms", "3000");
        using var client = new PipelineClient(host);
        const string Body = """{"task":{"metadata":{"id":"ID","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"p","steps":2,"width":64,"height":64}}}""";

        await client.SubmitAsync("v1alpha2", Body.Replace("ID", "first", StringComparison.Ordinal));
        await client.SubmitAsync("v1alpha2", Body.Replace("ID", "second", StringComparison.Ordinal));
        var (_, seen) = await client.WaitUntilFinishedAsync("second");

        Assert.Equal(["queued", "running", "succeeded"], seen);
    }
}
