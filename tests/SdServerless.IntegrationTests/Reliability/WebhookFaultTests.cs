using SdServerless.IntegrationTests.EndToEnd;
using static SdServerless.IntegrationTests.Reliability.ReliabilityClient;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>A webhook receiver that closes connections, through the local host: retried with the same webhook-id, then delivered.</summary>
[Trait("Category", "Integration")]
public sealed class WebhookFaultTests
{
    [Fact]
    public async Task AReceiverClosingTheConnectionIsRetriedWithTheSameWebhookIdUntilDelivered()
    {
        await using var receiver = await LoopbackHttpServer.StartAsync();
        var calls = 0;
        receiver.Handler = (_, context) =>
        {
            if (Interlocked.Increment(ref calls) <= 2)
            {
                context.Abort();
            }
            else
            {
                context.Response.StatusCode = 204;
            }

            return Task.CompletedTask;
        };
        await using var host = await LocalHostProcess.StartAsync(null, "--allow-private-network");
        using var client = new PipelineClient(host);

        await client.SubmitAsync("v1alpha2", TextToImage("closes", callbackUrl: receiver.Url("/hook").ToString()));
        await WaitUntilAsync(() => host.Output.Contains("Callback of task closes", StringComparison.Ordinal) && host.Output.Contains("delivered", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), () => "not delivered\n" + host.Output);

        var attempts = receiver.Requests.ToList();
        Assert.Equal(3, attempts.Count);
        Assert.Single(attempts.Select(a => a.Headers["webhook-id"]).Distinct());
        Assert.All(attempts, a => Assert.Equal("closes", JsonNode.Parse(a.Body)!["id_task"]!.GetValue<string>()));
        Assert.Contains("attempt 1 failed: connection failed", host.Output, StringComparison.Ordinal);
        Assert.Contains("delivered: 204 after 3 attempt(s)", host.Output, StringComparison.Ordinal);
    }
}
