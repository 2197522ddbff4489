using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Aws;
using SdServerless.Functions.Composition;
using SdServerless.Functions.Json;

namespace SdServerless.IntegrationTests.Callback;

/// <summary>
/// The callback function as on AWS, against moto_server: S3 adapter, presigned image links, moto's own bucket
/// notification (routed to an SQS queue) fed to the handler unchanged, and an SQS callback dead-letter queue.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MotoCallbackTests(MotoServer moto) : IAsyncLifetime
{
    private const string Prefix = "out put";
    private const string TaskId = "tâche 1";

    private readonly AmazonS3Client _s3 = moto.CreateS3Client();
    private readonly AmazonSQSClient _sqs = moto.CreateSqsClient();
    private readonly WebhookSecret _secret = WebhookSecret.Generate();
    private readonly string _bucket = $"outb-{Guid.NewGuid():N}"[..30];
    private LoopbackHttpServer _receiver = null!;
    private string _notifications = "";
    private string _deadLetters = "";

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackHttpServer.StartAsync();
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _bucket });
        _notifications = (await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = _bucket + "-events" })).QueueUrl;
        _deadLetters = (await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = _bucket + "-callback-dlq" })).QueueUrl;
        var queueArn = (await _sqs.GetQueueAttributesAsync(_notifications, ["QueueArn"])).Attributes["QueueArn"];
        await _s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = _bucket,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Id = "result-json",
                    Queue = queueArn,
                    Events = [EventType.ObjectCreatedAll],
                    Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("suffix", "result.json")] } },
                },
            ],
        });
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _s3.Dispose();
        _sqs.Dispose();
    }

    [Fact]
    public async Task MotosNotificationForAResultWithSpacesAndNonAsciiCharactersDeliversASignedCallback()
    {
        using var services = CreateServices();
        var key = await WriteTaskOutputsAsync();

        var events = await ReceiveNotificationsAsync(expectedRecords: 1);
        foreach (var s3Event in events)
        {
            await services.GetRequiredService<CallbackHandler>().HandleAsync(s3Event, CancellationToken.None);
        }

        var received = Assert.Single(_receiver.Requests);
        Assert.Equal(
            WebhookVerification.Valid,
            new WebhookVerifier(_secret).Verify(received.Headers["webhook-id"], received.Headers["webhook-timestamp"], received.Headers["webhook-signature"], received.Body));
        using var body = JsonDocument.Parse(received.Body);
        var root = body.RootElement;
        Assert.Equal(TaskId, root.GetProperty("id_task").GetString());
        Assert.Equal($"s3://{_bucket}/{key}", root.GetProperty("output_url").GetString());
        Assert.Equal($"s3://{_bucket}/{Prefix}/{TaskId}", root.GetProperty("output_location").GetString());
        Assert.Equal("{\"order\":42,\"note\":\"thé\"}", root.GetProperty("context").GetRawText());

        // The presigned link is a real GET on the object store.
        using var http = new HttpClient();
        var link = root.GetProperty("images")[0].GetProperty("url").GetString()!;
        Assert.Equal("fake-png-bytes", await http.GetStringAsync(link));
    }

    [Fact]
    public async Task ACallbackThatFailsLandsOnTheSqsDeadLetterQueueAndTheReplayDeliversIt()
    {
        using var services = CreateServices();
        _receiver.AnswerWith(503);
        await WriteTaskOutputsAsync();
        foreach (var s3Event in await ReceiveNotificationsAsync(expectedRecords: 1))
        {
            await services.GetRequiredService<CallbackHandler>().HandleAsync(s3Event, CancellationToken.None);
        }

        var failedAttempts = _receiver.Requests.ToList();
        Assert.Equal(2, failedAttempts.Count);
        _receiver.AnswerWith(204);

        var report = await services.GetRequiredService<CallbackReplayer>().ReplayAsync(CancellationToken.None);

        Assert.Equal(new CallbackReplayReport(1, 0, 0, 0), report);
        var all = _receiver.Requests.ToList();
        Assert.Equal(3, all.Count);
        Assert.Single(all.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal(WithoutImageLinks(failedAttempts[0].BodyText), WithoutImageLinks(all[2].BodyText));
        using var http = new HttpClient();
        Assert.Equal("fake-png-bytes", await http.GetStringAsync(JsonNode.Parse(all[2].BodyText)!["images"]![0]!["url"]!.GetValue<string>()));
        var left = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = _deadLetters, WaitTimeSeconds = 1 });
        Assert.Empty(left.Messages ?? []);
    }

    [Fact]
    public async Task ACallbackTooLargeForAnSqsMessageIsDeadLetteredAsAPointerToItsBodyInTheBucketAndReplayed()
    {
        using var services = CreateServices();
        _receiver.AnswerWith(400);
        var context = new JsonObject { ["blob"] = new string('x', 1024 * 1024) };
        await WriteTaskOutputsAsync(context);
        foreach (var s3Event in await ReceiveNotificationsAsync(expectedRecords: 1))
        {
            await services.GetRequiredService<CallbackHandler>().HandleAsync(s3Event, CancellationToken.None);
        }

        var message = Assert.Single((await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = _deadLetters, WaitTimeSeconds = 1, VisibilityTimeout = 0 })).Messages);
        Assert.True(message.Body.Length < 2048, $"the dead letter is {message.Body.Length} characters");
        var letter = JsonSerializer.Deserialize(message.Body, FunctionsJsonContext.Default.CallbackDeadLetter)!;
        Assert.Null(letter.Payload);
        Assert.Equal(TaskKeys.DeadLetterPayload(letter.WebhookId), letter.PayloadKey);
        using (var stored = await _s3.GetObjectAsync(_bucket, letter.PayloadKey))
        using (var reader = new StreamReader(stored.ResponseStream))
        {
            Assert.Equal(_receiver.Requests.Single().BodyText, await reader.ReadToEndAsync());
        }

        _receiver.AnswerWith(204);
        var report = await services.GetRequiredService<CallbackReplayer>().ReplayAsync(CancellationToken.None);

        Assert.Equal(new CallbackReplayReport(1, 0, 0, 0), report);
        var replayed = _receiver.Requests.ToList()[^1];
        Assert.Equal(letter.WebhookId, replayed.Headers["webhook-id"]);
        Assert.Equal(context.ToJsonString(), JsonNode.Parse(replayed.BodyText)!["context"]!.ToJsonString());
        var objects = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = "_sdserverless/" });
        Assert.Empty(objects.S3Objects ?? []);
    }

    /// <summary>The body with the presigned links left out: they are signed again on each build.</summary>
    private static string WithoutImageLinks(string body)
    {
        var node = JsonNode.Parse(body)!;
        foreach (var image in node["images"]!.AsArray())
        {
            image!.AsObject().Remove("url");
        }

        return node.ToJsonString();
    }

    private ServiceProvider CreateServices()
    {
        var options = new SdServerlessOptions
        {
            Bucket = _bucket,
            AllowHttp = true,
            AllowPrivateNetwork = true,
            WebhookSecret = _secret.Reveal(),
        };
        var callbackOptions = new CallbackOptions { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(10) };
        return CallbackHarness.BuildServices(
            new S3ObjectStore(_s3, _bucket), new S3ObjectUrlSigner(_s3, _bucket), new CallbackQueues(new SqsTaskQueue(_sqs, _deadLetters)), options, callbackOptions);
    }

    /// <summary>What the dispatcher leaves behind: an image, then result.json last.</summary>
    private async Task<string> WriteTaskOutputsAsync(JsonNode? context = null)
    {
        var store = new S3ObjectStore(_s3, _bucket);
        var imageKey = TaskKeys.Output(Prefix, TaskId, 1, "png");
        await CallbackHarness.WriteImageAsync(store, imageKey, "fake-png-bytes");
        var key = TaskKeys.Result(Prefix, TaskId);
        await CallbackHarness.WriteResultAsync(
            store,
            key,
            CallbackHarness.Finished(TaskId, TaskStatus.Succeeded, _receiver.Url("/hook").AbsoluteUri, _bucket, imageKey, context ?? JsonNode.Parse("{\"order\":42,\"note\":\"thé\"}")));
        return key;
    }

    /// <summary>Every message moto put on the notification queue, parsed as the callback function receives it.</summary>
    private async Task<List<S3Event>> ReceiveNotificationsAsync(int expectedRecords)
    {
        var events = new List<S3Event>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (events.Sum(e => e.Records?.Count ?? 0) < expectedRecords && DateTime.UtcNow < deadline)
        {
            var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = _notifications, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            foreach (var message in response.Messages ?? [])
            {
                events.Add(JsonSerializer.Deserialize(message.Body, FunctionsJsonContext.Default.S3Event)!);
                await _sqs.DeleteMessageAsync(_notifications, message.ReceiptHandle);
            }
        }

        Assert.Contains(events, e => e.Event == "s3:TestEvent");
        var record = Assert.Single(events.SelectMany(e => e.Records ?? []));
        Assert.Contains('%', record.S3!.Object!.Key!);
        return events;
    }
}
