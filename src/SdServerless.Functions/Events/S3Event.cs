using System.Text.Json.Serialization;

namespace SdServerless.Functions.Events;

/// <summary>
/// S3 event notification. Object keys arrive form-URL-encoded ('+' is a space); an s3:TestEvent has no Records.
/// </summary>
public sealed class S3Event
{
    /// <summary><c>Records</c>: one record per object event; null on an s3:TestEvent.</summary>
    [JsonPropertyName("Records")]
    public List<S3EventRecord>? Records { get; set; }

    /// <summary>Set on the s3:TestEvent sent when a notification is configured.</summary>
    [JsonPropertyName("Event")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Event { get; set; }

    /// <summary>One entry of Records: an object event.</summary>
    public sealed class S3EventRecord
    {
        /// <summary><c>eventVersion</c>: the record format's version, e.g. 2.1.</summary>
        [JsonPropertyName("eventVersion")]
        public string? EventVersion { get; set; }

        /// <summary><c>eventSource</c>: always aws:s3.</summary>
        [JsonPropertyName("eventSource")]
        public string? EventSource { get; set; }

        /// <summary><c>awsRegion</c>: the bucket's region.</summary>
        [JsonPropertyName("awsRegion")]
        public string? AwsRegion { get; set; }

        /// <summary><c>eventTime</c>: when the object was written, ISO 8601 in UTC.</summary>
        [JsonPropertyName("eventTime")]
        public string? EventTime { get; set; }

        /// <summary><c>eventName</c>: what happened, e.g. ObjectCreated:Put; the notification only sends creations.</summary>
        [JsonPropertyName("eventName")]
        public string? EventName { get; set; }

        /// <summary><c>s3</c>: the bucket and the object.</summary>
        [JsonPropertyName("s3")]
        public S3Entity? S3 { get; set; }
    }

    /// <summary>A record's s3 member: the bucket and the object.</summary>
    public sealed class S3Entity
    {
        /// <summary><c>s3SchemaVersion</c>: the s3 entity's format version, 1.0.</summary>
        [JsonPropertyName("s3SchemaVersion")]
        public string? S3SchemaVersion { get; set; }

        /// <summary><c>configurationId</c>: the id of the notification configuration that sent the record.</summary>
        [JsonPropertyName("configurationId")]
        public string? ConfigurationId { get; set; }

        /// <summary><c>bucket</c>: the bucket the object is in.</summary>
        [JsonPropertyName("bucket")]
        public S3Bucket? Bucket { get; set; }

        /// <summary><c>object</c>: the object that was written.</summary>
        [JsonPropertyName("object")]
        public S3Object? Object { get; set; }
    }

    /// <summary>The s3.bucket member of a record.</summary>
    public sealed class S3Bucket
    {
        /// <summary><c>name</c>: the bucket's name.</summary>
        [JsonPropertyName("name")]
        public string? Name { get; set; }

        /// <summary><c>arn</c>: the bucket's ARN.</summary>
        [JsonPropertyName("arn")]
        public string? Arn { get; set; }
    }

    /// <summary>The s3.object member of a record.</summary>
    public sealed class S3Object
    {
        /// <summary>Form-URL-encoded, as S3 sends it.</summary>
        [JsonPropertyName("key")]
        public string? Key { get; set; }

        /// <summary><c>size</c>: the object's size in bytes.</summary>
        [JsonPropertyName("size")]
        public long Size { get; set; }

        /// <summary><c>eTag</c>: the object's ETag, without quotes.</summary>
        [JsonPropertyName("eTag")]
        public string? ETag { get; set; }

        /// <summary><c>versionId</c>: the object's version, in a versioned bucket; left out otherwise.</summary>
        [JsonPropertyName("versionId")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? VersionId { get; set; }

        /// <summary><c>sequencer</c>: orders the events of one key: a greater value is a later write.</summary>
        [JsonPropertyName("sequencer")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Sequencer { get; set; }
    }
}
