using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>The event an SQS event source mapping delivers: a batch of messages.</summary>
public sealed class SqsEvent
{
    /// <summary><c>Records</c>: the batch's messages, in the order SQS handed them out.</summary>
    [JsonPropertyName("Records")]
    public List<SqsMessage> Records { get; set; } = [];

    /// <summary>One entry of Records: a received message.</summary>
    public sealed class SqsMessage
    {
        /// <summary><c>messageId</c>: the id a batch item failure names.</summary>
        [JsonPropertyName("messageId")]
        public string MessageId { get; set; } = "";

        /// <summary><c>receiptHandle</c>: the handle of this receive, which deletes the message or changes its visibility.</summary>
        [JsonPropertyName("receiptHandle")]
        public string ReceiptHandle { get; set; } = "";

        /// <summary><c>body</c>: a task message (JSON), sent by the API or by a dispatcher putting the task back.</summary>
        [JsonPropertyName("body")]
        public string Body { get; set; } = "";

        /// <summary>ApproximateReceiveCount, SentTimestamp (epoch ms), ... — all values are strings.</summary>
        [JsonPropertyName("attributes")]
        public Dictionary<string, string> Attributes { get; set; } = [];

        /// <summary><c>messageAttributes</c>: the sender's attributes; the task queue's messages carry none.</summary>
        [JsonPropertyName("messageAttributes")]
        public Dictionary<string, MessageAttribute> MessageAttributes { get; set; } = [];

        /// <summary><c>md5OfBody</c>: the MD5 of the body, in hex.</summary>
        [JsonPropertyName("md5OfBody")]
        public string? Md5OfBody { get; set; }

        /// <summary><c>eventSource</c>: always aws:sqs.</summary>
        [JsonPropertyName("eventSource")]
        public string? EventSource { get; set; }

        /// <summary><c>eventSourceARN</c>: the ARN of the queue the message came from, which names the runtime's queue.</summary>
        [JsonPropertyName("eventSourceARN")]
        public string? EventSourceArn { get; set; }

        /// <summary><c>awsRegion</c>: the queue's region.</summary>
        [JsonPropertyName("awsRegion")]
        public string? AwsRegion { get; set; }
    }

    /// <summary>One of a message's messageAttributes.</summary>
    public sealed class MessageAttribute
    {
        /// <summary><c>stringValue</c>: the value of a String or Number attribute.</summary>
        [JsonPropertyName("stringValue")]
        public string? StringValue { get; set; }

        /// <summary><c>binaryValue</c>: the base64 value of a Binary attribute.</summary>
        [JsonPropertyName("binaryValue")]
        public string? BinaryValue { get; set; }

        /// <summary><c>dataType</c>: String, Number or Binary, optionally with a custom suffix.</summary>
        [JsonPropertyName("dataType")]
        public string? DataType { get; set; }
    }
}
