using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Aws;

namespace SdServerless.IntegrationTests.Storage;

/// <summary>The S3 adapter against moto_server; object-created events come through a bucket notification to SQS.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class S3ObjectStoreContractTests(MotoServer moto) : ObjectStoreContractTests
{
    private readonly AmazonS3Client _s3 = moto.CreateS3Client();
    private readonly AmazonSQSClient _sqs = moto.CreateSqsClient();
    private readonly List<ObjectCreated> _created = [];
    private string _notificationQueueUrl = "";

    public override Task DisposeAsync()
    {
        _s3.Dispose();
        _sqs.Dispose();
        return Task.CompletedTask;
    }

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        var name = $"contract-{Guid.NewGuid():N}"[..40];
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = name });
        var queue = await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name });
        _notificationQueueUrl = queue.QueueUrl;
        await _s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = name,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Queue = $"arn:aws:sqs:{MotoServer.Region}:123456789012:{name}",
                    Events = [EventType.ObjectCreatedAll],
                },
            ],
        });
        return new S3ObjectStore(_s3, name);
    }

    protected override Task<IObjectStore> CreateUnreachableStoreAsync()
    {
        var client = AwsClientFactory.CreateS3(MotoServer.ClosedPortUrl(), MotoServer.Region, MotoServer.Credentials);
        return Task.FromResult<IObjectStore>(new S3ObjectStore(client, "nowhere"));
    }

    protected override async Task<IReadOnlyList<ObjectCreated>> WaitForObjectCreatedAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var grace = false;
        while (DateTime.UtcNow < deadline)
        {
            var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = _notificationQueueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
            });
            foreach (var message in response.Messages ?? [])
            {
                _created.AddRange(ParseS3Event(message.Body));
                await _sqs.DeleteMessageAsync(_notificationQueueUrl, message.ReceiptHandle);
            }

            if (_created.Count >= count)
            {
                if (grace)
                {
                    break;
                }

                grace = true;
            }
        }

        return _created;
    }

    /// <summary>S3's event JSON; the s3:TestEvent sent when the notification is configured has no Records.</summary>
    private static IEnumerable<ObjectCreated> ParseS3Event(string body)
    {
        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("Records", out var records))
        {
            return [];
        }

        return records.EnumerateArray()
            .Where(record => record.GetProperty("eventName").GetString()!.StartsWith("ObjectCreated:", StringComparison.Ordinal))
            .Select(record =>
            {
                var s3 = record.GetProperty("s3");
                var item = s3.GetProperty("object");
                return new ObjectCreated(
                    s3.GetProperty("bucket").GetProperty("name").GetString()!,
                    Uri.UnescapeDataString(item.GetProperty("key").GetString()!.Replace('+', ' ')),
                    item.GetProperty("size").GetInt64(),
                    item.TryGetProperty("eTag", out var eTag) ? eTag.GetString() ?? "" : "",
                    DateTimeOffset.UtcNow);
            })
            .ToList();
    }
}
