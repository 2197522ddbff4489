using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>
/// S3 event notification. Object keys arrive form-URL-encoded ('+' is a space); an s3:TestEvent has no Records.
/// </summary>
public sealed class S3Event
{
    [JsonPropertyName("Records")]
    public List<S3EventRecord>? Records { get; set; }

    /// <summary>Set on the s3:TestEvent sent when a notification is configured.</summary>
    [JsonPropertyName("Event")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Event { get; set; }

    public sealed class S3EventRecord
    {
        [JsonPropertyName("eventVersion")]
        public string? EventVersion { get; set; }

        [JsonPropertyName("eventSource")]
        public string? EventSource { get; set; }

        [JsonPropertyName("awsRegion")]
        public string? AwsRegion { get; set; }

        [JsonPropertyName("eventTime")]
        public string? EventTime { get; set; }

        [JsonPropertyName("eventName")]
        public string? EventName { get; set; }

        [JsonPropertyName("s3")]
        public S3Entity? S3 { get; set; }
    }

    public sealed class S3Entity
    {
        [JsonPropertyName("s3SchemaVersion")]
        public string? S3SchemaVersion { get; set; }

        [JsonPropertyName("configurationId")]
        public string? ConfigurationId { get; set; }

        [JsonPropertyName("bucket")]
        public S3Bucket? Bucket { get; set; }

        [JsonPropertyName("object")]
        public S3Object? Object { get; set; }
    }

    public sealed class S3Bucket
    {
        [JsonPropertyName("name")]
        public string? Name { get; set; }

        [JsonPropertyName("arn")]
        public string? Arn { get; set; }
    }

    public sealed class S3Object
    {
        /// <summary>Form-URL-encoded, as S3 sends it.</summary>
        [JsonPropertyName("key")]
        public string? Key { get; set; }

        [JsonPropertyName("size")]
        public long Size { get; set; }

        [JsonPropertyName("eTag")]
        public string? ETag { get; set; }

        [JsonPropertyName("versionId")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? VersionId { get; set; }

        [JsonPropertyName("sequencer")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Sequencer { get; set; }
    }
}
