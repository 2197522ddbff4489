using System.Net;
using System.Text;

namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>
/// The test kit's loopback servers that other tests lean on without checking them: a loopback server answers with the
/// status it is told, the webhook receiver with its script.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LoopbackServerTests
{
    [Fact]
    public async Task ALoopbackServerAnswersWithTheStatusItWasToldAndRecordsTheRequest()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        using var http = new HttpClient();

        using var byDefault = await http.GetAsync(server.Url("/a"));
        server.AnswerWith(503);
        using var told = await http.GetAsync(server.Url("/b"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable), (byDefault.StatusCode, told.StatusCode));
        Assert.Equal(["/a", "/b"], server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task AWebhookReceiverAnswersWithItsScriptedRepliesInOrderThen200AndRecordsEachWebhook()
    {
        using var receiver = WebhookReceiver.Start();
        receiver.Reply(new WebhookReply(503, RetryAfter: "7"), new WebhookReply(410));
        using var http = new HttpClient();

        var statuses = new List<(HttpStatusCode, string?)>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new StringContent($"body {i}", Encoding.UTF8, "application/json") };
            request.Headers.Add("webhook-id", $"msg_{i}");
            using var response = await http.SendAsync(request);
            statuses.Add((response.StatusCode, response.Headers.RetryAfter?.ToString()));
        }

        Assert.Equal([(HttpStatusCode.ServiceUnavailable, "7"), (HttpStatusCode.Gone, null), (HttpStatusCode.OK, null)], statuses);
        Assert.Equal(["msg_0", "msg_1", "msg_2"], receiver.Received.Select(r => r.Id));
        Assert.Equal("body 1", Encoding.UTF8.GetString(receiver.Received[1].Body));
        Assert.All(receiver.Received, r => Assert.Equal(("POST", "application/json; charset=utf-8", null), (r.Method, r.ContentType, r.Signature)));
    }

    [Fact]
    public async Task AWebhookReceiverStopsAtOnceWhileAReplyIsHeldBackAndListensOnTheGivenPort()
    {
        var port = LoopbackPort.Next();
        var receiver = WebhookReceiver.Start(port);
        receiver.Reply(new WebhookReply(200, Delay: TimeSpan.FromMinutes(5)));
        using var http = new HttpClient();
        var held = http.PostAsync(receiver.Url, new StringContent("{}"));
        await Eventually.TrueAsync(() => receiver.Received.Count == 1, TimeSpan.FromSeconds(10), "the held webhook arrives");

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        receiver.Dispose();

        Assert.Equal(port, receiver.Port);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopped after {stopping.Elapsed}");
        await Assert.ThrowsAsync<HttpRequestException>(() => held);
    }
}
