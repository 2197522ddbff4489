using SdServerless.Core.Net;
using SdServerless.Local.Hosting;

namespace SdServerless.IntegrationTests.Reliability;

/// <summary>The local host's callback dead-letter queue keeps an entry through any number of failed replays.</summary>
[Trait("Category", "Integration")]
public sealed class CallbackDeadLetterTests
{
    [Fact]
    public async Task ADeadLetterSurvivesManyFailedReplaysAndIsDeliveredOnceTheReceiverIsBack()
    {
        var data = Directory.CreateTempSubdirectory("sdserverless-dlq-").FullName;
        var options = new LocalHostOptions { DataDirectory = data, AllowPrivateNetwork = true };
        options.SdWebUiEndpoints.Add("http://127.0.0.1:9");
        await using var pipeline = await LocalPipeline.OpenAsync(options, new Uri("http://127.0.0.1:8080"), NullLoggerFactory.Instance);
        var callbackOptions = new CallbackOptions { MaxAttempts = 1 };
        var port = LoopbackPort.Next();
        var url = $"http://127.0.0.1:{port}/hook";
        await new CallbackDeadLetterWriter(pipeline.CallbackDeadLetters, pipeline.Store, callbackOptions, TimeProvider.System).WriteAsync(
            url, "msg_kept", "{\"id_task\":\"kept\"}"u8.ToArray(), "kept", resultKey: null,
            new WebhookDeliveryResult(WebhookDeliveryOutcome.GaveUp, 6, null, "connection refused"));
        using var http = GuardedHttpHandler.CreateClient(_ => true);
        var replayer = new CallbackReplayer(
            pipeline.CallbackDeadLetters,
            new CallbackBodyRebuilder(pipeline.Store, new LocalObjectUrlSigner(new Uri("http://127.0.0.1:8080")), callbackOptions),
            new WebhookDelivery(http, new WebhookSigner(pipeline.Secret), pipeline.Options, callbackOptions, TimeProvider.System, NullLogger<WebhookDelivery>.Instance),
            pipeline.Store,
            NullLogger<CallbackReplayer>.Instance);

        for (var replay = 1; replay <= 6; replay++)
        {
            var failed = await replayer.ReplayAsync(CancellationToken.None);
            Assert.True(failed.Failed == 1, $"replay {replay} saw {failed}");
        }

        await using var receiver = await LoopbackHttpServer.StartAsync(port);
        var delivered = await replayer.ReplayAsync(CancellationToken.None);

        Assert.Equal(1, delivered.Delivered);
        Assert.Equal("msg_kept", Assert.Single(receiver.Requests).Headers["webhook-id"]);
    }
}
