using SdServerless.IntegrationTests.Infrastructure;

namespace SdServerless.IntegrationTests.EndToEnd;

public sealed class StatusProgressTests
{
    [Fact]
    public async Task TheStatusGoesFromQueuedThroughRunningToSucceeded()
    {
        // One emulated GPU at 3 s per image. The dispatcher hands one request ahead to a busy server so the GPU never
        // waits for a round trip: the first two tasks are with the server at once ("running"), the third is queued.
        await using var host = await LocalHostProcess.StartAsync(null, "--emulator-delay-ms", "3000");
        using var client = new PipelineClient(host);
        const string Body = """{"task":{"metadata":{"id":"ID","runtime":"sdruntime","tasktype":"text-to-image"},"content":{"prompt":"p","steps":2,"width":64,"height":64}}}""";

        await client.SubmitAsync("v1alpha2", Body.Replace("ID", "first", StringComparison.Ordinal));
        await client.SubmitAsync("v1alpha2", Body.Replace("ID", "second", StringComparison.Ordinal));
        await client.SubmitAsync("v1alpha2", Body.Replace("ID", "third", StringComparison.Ordinal));
        var (_, seen) = await client.WaitUntilFinishedAsync("third", TimeSpan.FromSeconds(90));

        Assert.Equal(["queued", "running", "succeeded"], seen);
    }
}
