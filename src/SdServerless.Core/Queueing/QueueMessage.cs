namespace SdServerless.Core.Queueing;

/// <param name="ReceiveCount">1 on the first delivery, as SQS's ApproximateReceiveCount.</param>
public sealed record QueueMessage(string MessageId, string ReceiptHandle, string Body, int ReceiveCount, DateTimeOffset SentAt);
