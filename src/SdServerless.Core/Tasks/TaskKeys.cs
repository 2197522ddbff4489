namespace SdServerless.Core.Tasks;

/// <summary>
/// The bucket layout. Outputs: PREFIX/ID/ID-N.EXT, then PREFIX/ID/result.json last.
/// Bookkeeping lives under a reserved first segment that no validated prefix may use.
/// </summary>
public static class TaskKeys
{
    public const string ReservedSegment = "_sdserverless";
    public const string ResultFileName = "result.json";

    public static string OutputFolder(string prefix, string id) => $"{prefix}/{id}";

    public static string Output(string prefix, string id, int number, string extension) => $"{prefix}/{id}/{id}-{number}.{extension}";

    public static string Result(string prefix, string id) => $"{prefix}/{id}/{ResultFileName}";

    /// <summary>The accepted request (idempotency record, and the task itself when too large for a message).</summary>
    public static string Request(string id) => $"{ReservedSegment}/tasks/{id}/request.json";

    /// <summary>The dispatcher's progress (running, attempts) before result.json exists.</summary>
    public static string State(string id) => $"{ReservedSegment}/tasks/{id}/state.json";

    /// <summary>The body of an undelivered callback too large for a dead-letter message (never ends in result.json).</summary>
    public static string DeadLetterPayload(string webhookId) => $"{ReservedSegment}/callback-dead-letters/{webhookId}.json";

    public static string OutputLocation(string bucket, string prefix, string id) => $"s3://{bucket}/{prefix}/{id}";

    public static string S3Uri(string bucket, string key) => $"s3://{bucket}/{key}";

    public static bool IsResult(string key) => key.EndsWith("/" + ResultFileName, StringComparison.Ordinal);

    public static bool IsState(string key) =>
        key.StartsWith(ReservedSegment + "/tasks/", StringComparison.Ordinal) && key.EndsWith("/state.json", StringComparison.Ordinal);
}
