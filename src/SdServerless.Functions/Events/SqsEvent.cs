using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>The event an SQS event source mapping delivers: a batch of messages.</summary>
public sealed class SqsEvent
{
    [JsonPropertyName("Records")]
    public List<SqsMessage> Records { get; set; } = [];

    public sealed class SqsMessage
    {
        [JsonPropertyName("messageId")]
        public string MessageId { get; set; } = "";

        [JsonPropertyName("receiptHandle")]
        public string ReceiptHandle { get; set; } = "";

        [JsonPropertyName("body")]
        public string Body { get; set; } = "";

        /// <summary>ApproximateReceiveCount, SentTimestamp (epoch ms), ... — all values are strings.</summary>
        [JsonPropertyName("attributes")]
        public Dictionary<string, string> Attributes { get; set; } = [];

        [JsonPropertyName("messageAttributes")]
        public Dictionary<string, MessageAttribute> MessageAttributes { get; set; } = [];

        [JsonPropertyName("md5OfBody")]
        public string? Md5OfBody { get; set; }

        [JsonPropertyName("eventSource")]
        public string? EventSource { get; set; }

        [JsonPropertyName("eventSourceARN")]
        public string? EventSourceArn { get; set; }

        [JsonPropertyName("awsRegion")]
        public string? AwsRegion { get; set; }
    }

    public sealed class MessageAttribute
    {
        [JsonPropertyName("stringValue")]
        public string? StringValue { get; set; }

        [JsonPropertyName("binaryValue")]
        public string? BinaryValue { get; set; }

        [JsonPropertyName("dataType")]
        public string? DataType { get; set; }
    }
}
