using Amazon.S3;
using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Aws;
using SdServerless.Core.Runtimes;
using SdServerless.Local.Workers;

namespace SdServerless.IntegrationTests.Dispatch;

/// <summary>The same dispatcher on the AWS adapters: SQS and S3 on moto_server, SD Web UI emulated.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DispatchOnMotoTests(MotoServer moto) : IAsyncLifetime
{
    private readonly AmazonS3Client _s3 = moto.CreateS3Client();
    private readonly AmazonSQSClient _sqs = moto.CreateSqsClient();
    private readonly ScriptedFaults _faults = new();
    private EmulatorHost? _emulator;
    private S3ObjectStore _store = null!;
    private SqsTaskQueue _queue = null!;
    private SqsTaskQueue _deadLetter = null!;
    private DispatcherWorker _worker = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { ModelSwitchDelay = TimeSpan.Zero, Faults = _faults.Next });
        var name = $"dispatch-{Guid.NewGuid():N}";
        await _s3.PutBucketAsync(name);
        _store = new S3ObjectStore(_s3, name);
        var dlq = await _sqs.CreateQueueAsync(name + "-dlq");
        var dlqArn = (await _sqs.GetQueueAttributesAsync(dlq.QueueUrl, ["QueueArn"])).Attributes["QueueArn"];
        var queue = await _sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = name,
            Attributes = new Dictionary<string, string>
            {
                ["RedrivePolicy"] = string.Create(CultureInfo.InvariantCulture, $"{{\"deadLetterTargetArn\":\"{dlqArn}\",\"maxReceiveCount\":\"3\"}}"),
            },
        });
        _queue = new SqsTaskQueue(_sqs, queue.QueueUrl);
        _deadLetter = new SqsTaskQueue(_sqs, dlq.QueueUrl);
        var options = new SdServerlessOptions
        {
            Bucket = name,
            Runtimes = [new RuntimeConfig { Name = "sdruntime", Endpoints = [_emulator.BaseUrl.ToString().TrimEnd('/')] }],
        };
        _worker = DispatchTestbed.Worker(_queue, DispatchTestbed.BuildHandler(_store, _queue, options));
    }

    public async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        _s3.Dispose();
        _sqs.Dispose();
    }

    /// <summary>What Lambda's event source mapping does: receive a batch, invoke, delete what was not reported.</summary>
    private Task<List<SqsBatchResponse>> DrainAsync() =>
        DispatchTestbed.DrainAsync(_queue, _worker, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));

    private Task<JsonObject> ResultAsync(string id) => DispatchTestbed.ResultAsync(_store, id);

    [Fact]
    public async Task ATaskBecomesImagesAndResultJsonInS3()
    {
        await _queue.SendAsync(DispatchTestbed.MessageBody(DispatchTestbed.Task("moto", TaskType.TextToImage, """{"prompt":"x","width":64,"height":64,"batch_size":2}""")), TimeSpan.Zero, CancellationToken.None);

        await DrainAsync();

        var result = await ResultAsync("moto");
        Assert.Equal("succeeded", (string?)result["status"]);
        Assert.Equal([$"s3://{_store.BucketName}/output/moto/moto-1.png", $"s3://{_store.BucketName}/output/moto/moto-2.png"], result["images"]!.AsArray().Select(i => (string?)i!["s3_uri"]));
        var image = (await _store.GetAsync("output/moto/moto-2.png", CancellationToken.None))!;
        Assert.Equal((64, 64), DispatchTestbed.PngSize(image.Content.Span));
        Assert.Equal("image/png", image.ContentType);
    }

    [Fact]
    public async Task ATransientFailureComesBackThroughSqsAndSucceeds()
    {
        _faults.Then(EmulatorFault.ServiceUnavailable());
        await _queue.SendAsync(DispatchTestbed.MessageBody(DispatchTestbed.Task("again", TaskType.TextToImage, """{"prompt":"x","width":64,"height":64}""")), TimeSpan.Zero, CancellationToken.None);

        var responses = await DrainAsync();

        Assert.Single(responses[0].BatchItemFailures);
        var result = await ResultAsync("again");
        Assert.Equal("succeeded", (string?)result["status"]);
        Assert.Equal(2, (int)result["attempts"]!);
    }

    [Fact]
    public async Task APoisonMessageIsRedrivenToTheDeadLetterQueue()
    {
        await _queue.SendAsync("poison", TimeSpan.Zero, CancellationToken.None);

        var responses = await DrainAsync();

        Assert.All(responses, r => Assert.Single(r.BatchItemFailures));
        var dead = await _deadLetter.ReceiveAsync(10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(["poison"], dead.Select(m => m.Body));
    }
}
