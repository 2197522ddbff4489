using System.Globalization;
using SdServerless.Core.Queueing;
using SdServerless.Functions.Dispatch;
using SdServerless.Functions.Events;

namespace SdServerless.Local.Workers;

/// <summary>
/// The local stand-in for the SQS event source mapping: loops that receive from the embedded queue, hand each message
/// to the same <see cref="DispatcherHandler"/> as an SQS event, and delete what the handler did not report as failed.
/// Twice as many loops run as the pool has GPU slots, so that while every GPU works the next tasks are already received
/// and their inputs fetched, waiting for a GPU to free (the dispatcher waits for a free endpoint in this host).
/// </summary>
public sealed partial class DispatcherWorker(
    ITaskQueue queue,
    DispatcherHandler handler,
    int gpuSlots,
    TimeSpan taskTimeout,
    ILogger<DispatcherWorker> logger) : BackgroundService
{
    private const string QueueArn = "arn:aws:sqs:local:000000000000:sdserverless-tasks";
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(20);

    // Longer than any invocation, so a message is never redelivered while a loop still works on it;
    // a restart of the host makes in-flight messages visible at once anyway.
    private TimeSpan Lease => taskTimeout + TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, gpuSlots) * 2).Select(_ => RunLoopAsync(stoppingToken)));

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var message in await queue.ReceiveAsync(1, Lease, LongPoll, stoppingToken))
                {
                    await DispatchAsync(message, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogLoopFailed(exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task DispatchAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        // The invocation deadline of Lambda: a hung SD Web UI is abandoned and the task retried.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(taskTimeout);
        var response = await handler.HandleAsync(new SqsEvent { Records = [ToRecord(message)] }, deadline.Token);
        if (response.BatchItemFailures.All(f => f.ItemIdentifier != message.MessageId))
        {
            await queue.DeleteAsync(message.ReceiptHandle, stoppingToken);
        }
    }

    public static SqsEvent.SqsMessage ToRecord(QueueMessage message) => new()
    {
        MessageId = message.MessageId,
        ReceiptHandle = message.ReceiptHandle,
        Body = message.Body,
        Attributes = new Dictionary<string, string>
        {
            ["ApproximateReceiveCount"] = message.ReceiveCount.ToString(CultureInfo.InvariantCulture),
            ["SentTimestamp"] = message.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["ApproximateFirstReceiveTimestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        },
        EventSource = "aws:sqs",
        EventSourceArn = QueueArn,
        AwsRegion = "local",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatcher loop failed; retrying in 1 s")]
    private partial void LogLoopFailed(Exception exception);
}
