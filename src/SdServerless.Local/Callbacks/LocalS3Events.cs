using System.Globalization;
using SdServerless.Core.Storage;
using SdServerless.Functions.Events;

namespace SdServerless.Local.Callbacks;

/// <summary>
/// The S3 event notification that S3 would send for an object the local store created, key form-URL-encoded,
/// so that the local host runs the callback handler on the same input as Lambda.
/// </summary>
public static class LocalS3Events
{
    /// <summary>One record, ObjectCreated:Put, with the key encoded and a sequencer that grows with the event time.</summary>
    public static S3Event FromObjectCreated(ObjectCreated created) => new()
    {
        Records =
        [
            new S3Event.S3EventRecord
            {
                EventVersion = "2.1",
                EventSource = "aws:s3",
                AwsRegion = "local",
                EventTime = created.EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                EventName = "ObjectCreated:Put",
                S3 = new S3Event.S3Entity
                {
                    S3SchemaVersion = "1.0",
                    ConfigurationId = "result-json",
                    Bucket = new S3Event.S3Bucket { Name = created.Bucket, Arn = $"arn:aws:s3:::{created.Bucket}" },
                    Object = new S3Event.S3Object
                    {
                        Key = S3KeyEncoding.Encode(created.Key),
                        Size = created.Size,
                        ETag = created.ETag,
                        Sequencer = created.EventTime.UtcTicks.ToString("X16", CultureInfo.InvariantCulture),
                    },
                },
            },
        ],
    };
}
