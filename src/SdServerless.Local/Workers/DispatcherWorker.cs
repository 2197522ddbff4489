using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SdServerless.Core.Queueing;
using SdServerless.Functions.Dispatch;
using SdServerless.Functions.Events;

namespace SdServerless.Local.Workers;

/// <summary>
/// The local host's stand-in for Lambda's SQS event source mapping: loops that long-poll the embedded queue, wrap
/// each message into the SQS event record Lambda would deliver, run the same <see cref="DispatcherHandler"/>, and
/// delete the messages it did not report as failures. There are more loops than GPUs (<see
/// cref="DispatcherWorkerOptions.PrefetchPerGpu"/>): while every GPU works, the next tasks are already received,
/// their inputs fetched, and waiting for the first GPU to free up.
/// </summary>
public sealed class DispatcherWorker(
    ITaskQueue queue,
    DispatcherHandler handler,
    DispatcherWorkerOptions options,
    TimeProvider clock,
    ILogger<DispatcherWorker> logger) : BackgroundService
{
    /// <summary>The ARN of the first runtime's queue (queues/tasks): the records' eventSourceARN unless the options name another.</summary>
    public const string DefaultQueueArn = "arn:aws:sqs:local:000000000000:sdserverless-tasks";

    /// <summary>Runs <see cref="DispatcherWorkerOptions.Loops"/> receive loops until the host stops.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Dispatcher: {Loops} workers for {GpuCapacity} GPUs on {QueueArn}", options.Loops, options.GpuCapacity, options.QueueArn);
        return Task.WhenAll(Enumerable.Range(0, options.Loops).Select(_ => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None)));
    }

    /// <summary>Wraps queue messages exactly as the SQS event source mapping does (attribute values are strings).</summary>
    public static SqsEvent ToSqsEvent(IEnumerable<QueueMessage> messages, string queueArn = DefaultQueueArn) => new()
    {
        Records = messages.Select(m => new SqsEvent.SqsMessage
        {
            MessageId = m.MessageId,
            ReceiptHandle = m.ReceiptHandle,
            Body = m.Body,
            Md5OfBody = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(m.Body))),
            EventSource = "aws:sqs",
            EventSourceArn = queueArn,
            AwsRegion = "local",
            Attributes =
            {
                [TaskMessageReader.ReceiveCountAttribute] = m.ReceiveCount.ToString(CultureInfo.InvariantCulture),
                [TaskMessageReader.SentTimestampAttribute] = m.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            },
        }).ToList(),
    };

    /// <summary>Runs one batch through the handler and deletes what it finished; returns the handler's answer.</summary>
    public async Task<SqsBatchResponse> DispatchAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        // Lambda's function timeout: whatever still runs then is abandoned and the task retried. The message's lease
        // outlasts it, so a message is never handed out twice while it runs, and no renewal can race the handler's own
        // retry backoff.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.InvocationTimeout);
        var response = await handler.HandleAsync(ToSqsEvent(messages, options.QueueArn), clock.GetUtcNow() + options.InvocationTimeout, deadline.Token);

        var failed = response.BatchItemFailures.Select(f => f.ItemIdentifier).ToHashSet(StringComparer.Ordinal);
        foreach (var message in messages.Where(m => !failed.Contains(m.MessageId)))
        {
            try
            {
                await queue.DeleteAsync(message.ReceiptHandle, CancellationToken.None);
            }
            catch (Exception e)
            {
                // The task is finished (result.json exists): a redelivery finds it done and does nothing.
                logger.LogWarning("Message {MessageId} not deleted ({Error}); its redelivery will be a no-op", message.MessageId, e.Message);
            }
        }

        return response;
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<QueueMessage> messages;
            var started = clock.GetTimestamp();
            try
            {
                messages = await queue.ReceiveAsync(1, options.Visibility, options.ReceiveWait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Dispatcher: the task queue did not answer ({Error})", e.Message);
                await PauseAsync(options.ErrorPause, stoppingToken);
                continue;
            }

            if (messages.Count == 0)
            {
                // A queue that answers "empty" at once instead of long-polling must not make this loop spin.
                if (clock.GetElapsedTime(started) < options.ReceiveWait / 2)
                {
                    await PauseAsync(TimeSpan.FromMilliseconds(50), stoppingToken);
                }

                continue;
            }

            try
            {
                await DispatchAsync(messages, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Dispatcher: a batch failed; its messages come back after their lease");
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PauseAsync(TimeSpan pause, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(pause, clock, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
