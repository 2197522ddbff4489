using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Aws;

namespace SdServerless.IntegrationTests.Queueing;

/// <summary>The SQS adapter against moto_server; dead-lettering is the queue's redrive policy.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SqsTaskQueueContractTests(MotoServer moto) : TaskQueueContractTests
{
    private readonly AmazonSQSClient _sqs = moto.CreateSqsClient();

    public override Task DisposeAsync()
    {
        _sqs.Dispose();
        return Task.CompletedTask;
    }

    protected override async Task<(ITaskQueue Queue, ITaskQueue DeadLetter)> CreateQueueAsync(int maxReceiveCount)
    {
        var name = $"contract-{Guid.NewGuid():N}";
        var deadLetter = await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name + "-dlq" });
        var deadLetterArn = (await _sqs.GetQueueAttributesAsync(deadLetter.QueueUrl, ["QueueArn"])).Attributes["QueueArn"];
        var queue = await _sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = name,
            Attributes = new Dictionary<string, string>
            {
                ["RedrivePolicy"] = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{{\"deadLetterTargetArn\":\"{deadLetterArn}\",\"maxReceiveCount\":\"{maxReceiveCount}\"}}"),
            },
        });
        return (new SqsTaskQueue(_sqs, queue.QueueUrl), new SqsTaskQueue(_sqs, deadLetter.QueueUrl));
    }

    protected override Task<ITaskQueue> CreateUnreachableQueueAsync()
    {
        var client = AwsClientFactory.CreateSqs(MotoServer.ClosedPortUrl(), MotoServer.Region, MotoServer.Credentials);
        return Task.FromResult<ITaskQueue>(new SqsTaskQueue(client, MotoServer.ClosedPortUrl() + "/123456789012/nowhere"));
    }
}
