using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Core.Queueing;

namespace SdServerless.Aws;

/// <summary>
/// The task queue port on SQS (the queue's redrive policy does the dead-lettering). Unreachable SQS, throttling
/// and 5xx answers become <see cref="SdServerless.Core.DependencyUnavailableException"/>.
/// </summary>
public sealed class SqsTaskQueue(IAmazonSQS sqs, string queueUrl) : ITaskQueue
{
    private const string Service = "SQS";
    private const int MaxDelaySeconds = 900;
    private const int MaxWaitSeconds = 20;
    private const int MaxBatch = 10;
    private const int MaxVisibilitySeconds = 12 * 60 * 60;

    /// <summary>The queue's URL, which every SQS call names.</summary>
    public string QueueUrl { get; } = queueUrl;

    /// <inheritdoc/>
    public Task<string> SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            var response = await sqs.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = QueueUrl,
                MessageBody = body,
                DelaySeconds = Seconds(delay, MaxDelaySeconds),
            }, cancellationToken);
            return response.MessageId;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = QueueUrl,
                MaxNumberOfMessages = Math.Clamp(maxMessages, 1, MaxBatch),
                VisibilityTimeout = Seconds(visibility, MaxVisibilitySeconds),
                WaitTimeSeconds = Seconds(wait, MaxWaitSeconds),
                MessageSystemAttributeNames = ["ApproximateReceiveCount", "SentTimestamp"],
            }, cancellationToken);
            return (IReadOnlyList<QueueMessage>)(response.Messages ?? []).Select(ToQueueMessage).ToList();
        }, cancellationToken);

    /// <inheritdoc/>
    public Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            await sqs.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = QueueUrl, ReceiptHandle = receiptHandle }, cancellationToken);
            return true;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task ChangeVisibilityAsync(string receiptHandle, TimeSpan visibility, CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            try
            {
                await sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest
                {
                    QueueUrl = QueueUrl,
                    ReceiptHandle = receiptHandle,
                    VisibilityTimeout = Seconds(visibility, MaxVisibilitySeconds),
                }, cancellationToken);
            }
            catch (Exception e) when (e is ReceiptHandleIsInvalidException or MessageNotInflightException)
            {
                // The message is no longer held under this handle (deleted or received again): nothing to change.
            }

            return true;
        }, cancellationToken);

    /// <summary>Visible + in flight + delayed messages (SQS's approximate counters).</summary>
    public Task<long> GetApproximateDepthAsync(CancellationToken cancellationToken) =>
        AwsCalls.RunAsync(Service, async () =>
        {
            var response = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
            {
                QueueUrl = QueueUrl,
                AttributeNames =
                [
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                    "ApproximateNumberOfMessagesDelayed",
                ],
            }, cancellationToken);
            return (response.Attributes ?? []).Values.Sum(value => long.Parse(value, CultureInfo.InvariantCulture));
        }, cancellationToken);

    private static QueueMessage ToQueueMessage(Message message)
    {
        var attributes = message.Attributes ?? [];
        var receiveCount = attributes.TryGetValue("ApproximateReceiveCount", out var count)
            ? int.Parse(count, CultureInfo.InvariantCulture)
            : 1;
        var sentAt = attributes.TryGetValue("SentTimestamp", out var sent)
            ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(sent, CultureInfo.InvariantCulture))
            : DateTimeOffset.UtcNow;
        return new QueueMessage(message.MessageId, message.ReceiptHandle, message.Body, receiveCount, sentAt);
    }

    /// <summary>SQS counts in whole seconds: round up, so a lease or delay is never shorter than asked.</summary>
    private static int Seconds(TimeSpan value, int max) =>
        (int)Math.Clamp(Math.Ceiling(value.TotalSeconds), 0, max);
}
