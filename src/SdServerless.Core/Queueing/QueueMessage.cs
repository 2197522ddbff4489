namespace SdServerless.Core.Queueing;

/// <summary>A message received from a task queue, with what the queue says about its delivery.</summary>
/// <param name="MessageId">The queue's id of the message (SQS's MessageId), as logs and batch failures name it.</param>
/// <param name="ReceiptHandle">The handle of this delivery: deleting or hiding the message again needs it.</param>
/// <param name="Body">The message text: a serialized <see cref="TaskMessage"/>.</param>
/// <param name="ReceiveCount">1 on the first delivery, as SQS's ApproximateReceiveCount.</param>
/// <param name="SentAt">When the message was first sent (SQS's SentTimestamp): the time a task has spent queued counts from here.</param>
public sealed record QueueMessage(string MessageId, string ReceiptHandle, string Body, int ReceiveCount, DateTimeOffset SentAt);
