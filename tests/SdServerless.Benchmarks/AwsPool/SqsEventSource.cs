using Amazon.SQS;
using Amazon.SQS.Model;
using SdServerless.Functions.Dispatch;
using SdServerless.Functions.Events;
using SdServerless.Functions.Json;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// Lambda's SQS event source mapping for one queue, as far as the dispatcher sees it: pollers long-poll the queue for up
/// to <c>batchSize</c> messages, hand each batch to an idle environment of the function, and delete the messages the
/// response does not list in <c>batchItemFailures</c>; listed ones, and every message of a failed invocation, are left
/// to their visibility timeout. At most <c>maxConcurrency</c> batches are received or being processed at once
/// (ScalingConfig.MaximumConcurrency); a poller waits for a free slot before it receives.
/// <para>
/// moto's long poll only looks again about once a second for a message whose delay or visibility timeout ended (it
/// wakes at once only for a newly sent one); SQS answers a long poll the moment such a message is visible. So that
/// the simulation does not idle GPUs for up to a second per put-back task, one more poller makes short receives
/// every 50 ms straight to moto, around the counting proxy; the receives that bring messages are counted as the long
/// poll that would have brought them, the empty ones (which Lambda does not make) are not.
/// </para>
/// </summary>
public sealed class SqsEventSource : IAsyncDisposable
{
    /// <summary>Lambda starts five pollers per queue.</summary>
    private const int Pollers = 5;

    private readonly IAmazonSQS _sqs;
    private readonly string _queueUrl;
    private readonly string _queueArn;
    private readonly LambdaFunction _function;
    private readonly int _batchSize;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pollers = [];
    private readonly List<Task> _invocations = [];
    private long _failedInvocations;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Delivery> _deliveries = new();

    private static readonly TimeSpan PromptPollPause = TimeSpan.FromMilliseconds(50);

    private readonly IAmazonSQS _uncountedSqs;
    private readonly CountingProxy _counter;

    /// <param name="sqs">The pollers' client, through <paramref name="counter"/>.</param>
    /// <param name="uncountedSqs">A client straight to moto, for the prompt poller.</param>
    public SqsEventSource(IAmazonSQS sqs, IAmazonSQS uncountedSqs, CountingProxy counter, string queueUrl, LambdaFunction function, int batchSize, int maxConcurrency)
    {
        _sqs = sqs;
        _uncountedSqs = uncountedSqs;
        _counter = counter;
        _queueUrl = queueUrl;
        _queueArn = $"arn:aws:sqs:us-east-1:123456789012:{queueUrl[(queueUrl.LastIndexOf('/') + 1)..]}";
        _function = function;
        _batchSize = batchSize;
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
    }

    /// <summary>Invocations that ended in a function error (their messages were left on the queue).</summary>
    public long FailedInvocations => Interlocked.Read(ref _failedInvocations);

    /// <summary>Every message handed to the function: when, which task, and when the invocation returned.</summary>
    public IReadOnlyCollection<Delivery> Deliveries => _deliveries;

    /// <summary>One message of one invocation: the task it carried, the invocation's start and end.</summary>
    public sealed record Delivery(string TaskId, DateTimeOffset InvokedAt, DateTimeOffset ReturnedAt);

    /// <summary>The last function error, for the report.</summary>
    public string? LastError { get; private set; }

    public void Start()
    {
        for (var i = 0; i < Pollers; i++)
        {
            _pollers.Add(Task.Run(() => PollAsync(prompt: false, _stop.Token)));
        }

        _pollers.Add(Task.Run(() => PollAsync(prompt: true, _stop.Token)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_pollers.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)));
        Task[] running;
        lock (_invocations)
        {
            running = [.. _invocations];
        }

        await Task.WhenAll(running.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task PollAsync(bool prompt, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await _slots.WaitAsync(cancellationToken);
            var handedOver = false;
            try
            {
                var received = await (prompt ? _uncountedSqs : _sqs).ReceiveMessageAsync(
                    new ReceiveMessageRequest
                    {
                        QueueUrl = _queueUrl,
                        MaxNumberOfMessages = _batchSize,
                        WaitTimeSeconds = prompt ? 0 : 20,
                        MessageSystemAttributeNames = ["All"],
                        MessageAttributeNames = ["All"],
                    },
                    cancellationToken);
                if (received.Messages is { Count: > 0 } messages)
                {
                    if (prompt)
                    {
                        _counter.Add("sqs ReceiveMessage");
                    }

                    handedOver = true;
                    var invocation = InvokeAsync(messages);
                    lock (_invocations)
                    {
                        _invocations.RemoveAll(t => t.IsCompleted);
                        _invocations.Add(invocation);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                if (!handedOver)
                {
                    _slots.Release();
                }
            }

            if (prompt && !handedOver)
            {
                try
                {
                    await Task.Delay(PromptPollPause, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task InvokeAsync(List<Message> messages)
    {
        var invokedAt = DateTimeOffset.UtcNow;
        try
        {
            var answer = await _function.InvokeAsync(JsonSerializer.Serialize(Event(messages), FunctionsJsonContext.Default.SqsEvent), CancellationToken.None);
            if (answer.IsError)
            {
                Interlocked.Increment(ref _failedInvocations);
                LastError = answer.Body;
                return;
            }

            var failed = JsonSerializer.Deserialize(answer.Body, FunctionsJsonContext.Default.SqsBatchResponse)?.BatchItemFailures
                .Select(f => f.ItemIdentifier).ToHashSet(StringComparer.Ordinal) ?? [];
            var done = messages.Where(m => !failed.Contains(m.MessageId)).ToList();
            if (done.Count > 0)
            {
                await _sqs.DeleteMessageBatchAsync(
                    new DeleteMessageBatchRequest
                    {
                        QueueUrl = _queueUrl,
                        Entries = [.. done.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle))],
                    },
                    CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failedInvocations);
            LastError = exception.ToString();
        }
        finally
        {
            var returnedAt = DateTimeOffset.UtcNow;
            foreach (var message in messages)
            {
                _deliveries.Enqueue(new Delivery(TaskMessageReader.Parse(message.Body)?.IdTask ?? "", invokedAt, returnedAt));
            }

            _slots.Release();
        }
    }

    private SqsEvent Event(List<Message> messages) => new()
    {
        Records = [.. messages.Select(message => new SqsEvent.SqsMessage
        {
            MessageId = message.MessageId,
            ReceiptHandle = message.ReceiptHandle,
            Body = message.Body,
            Attributes = message.Attributes ?? [],
            MessageAttributes = (message.MessageAttributes ?? []).ToDictionary(
                a => a.Key,
                a => new SqsEvent.MessageAttribute
                {
                    DataType = a.Value.DataType,
                    StringValue = a.Value.StringValue,
                    BinaryValue = a.Value.BinaryValue is { } binary ? Convert.ToBase64String(binary.ToArray()) : null,
                }),
            Md5OfBody = message.MD5OfBody,
            EventSource = "aws:sqs",
            EventSourceArn = _queueArn,
            AwsRegion = "us-east-1",
        })],
    };
}
