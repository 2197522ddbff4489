namespace SdServerless.Core.Tasks;

/// <summary>
/// The bucket layout. Outputs: PREFIX/ID/ID-N.EXT, then PREFIX/ID/result.json last.
/// Bookkeeping lives under a reserved first segment that no validated prefix may use.
/// </summary>
public static class TaskKeys
{
    public const string ReservedSegment = "_sdserverless";
    public const string ResultFileName = "result.json";

    private static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks;

    public static string Output(string prefix, string id, int number, string extension) => $"{prefix}/{id}/{id}-{number}.{extension}";

    public static string Result(string prefix, string id) => $"{prefix}/{id}/{ResultFileName}";

    /// <summary>The accepted request (idempotency record, and the task itself when too large for a message).</summary>
    public static string Request(string id) => $"{ReservedSegment}/tasks/{id}/request.json";

    /// <summary>The dispatcher's progress (running, attempts) before result.json exists.</summary>
    public static string State(string id) => $"{ReservedSegment}/tasks/{id}/state.json";

    /// <summary>The body of an undelivered callback too large for a dead-letter message (never ends in result.json).</summary>
    public static string DeadLetterPayload(string webhookId) => $"{ReservedSegment}/callback-dead-letters/{webhookId}.json";

    /// <summary>Written by the API when a client cancels; the dispatcher reads it (only it talks to GPU servers).</summary>
    public static string Cancel(string id) => $"{ReservedSegment}/tasks/{id}/cancel.json";

    /// <summary>One empty-ish object per accepted task, named so that S3's key order is newest first.</summary>
    public const string IndexPrefix = ReservedSegment + "/index/";

    /// <summary>Inverted ticks (100 ns), zero-padded: a later task sorts first.</summary>
    public static string Index(DateTimeOffset createdAt, string id) =>
        $"{IndexPrefix}{MaxTicks - createdAt.UtcTicks:D19}-{id}";

    /// <summary>The id and creation time an index key names, or null when the key is not an index key.</summary>
    public static (string Id, DateTimeOffset CreatedAt)? ParseIndex(string key)
    {
        const int Digits = 19;
        if (!key.StartsWith(IndexPrefix, StringComparison.Ordinal) || key.Length < IndexPrefix.Length + Digits + 2 || key[IndexPrefix.Length + Digits] != '-'
            || !long.TryParse(key.AsSpan(IndexPrefix.Length, Digits), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var inverted)
            || inverted > MaxTicks)
        {
            return null;
        }

        return (key[(IndexPrefix.Length + Digits + 1)..], new DateTimeOffset(MaxTicks - inverted, TimeSpan.Zero));
    }

    public static string OutputLocation(string bucket, string prefix, string id) => $"s3://{bucket}/{prefix}/{id}";

    public static string S3Uri(string bucket, string key) => $"s3://{bucket}/{key}";

    public static bool IsResult(string key) => key.EndsWith("/" + ResultFileName, StringComparison.Ordinal);

    /// <summary>A task's published result.json, whose creation fires its callback: not one under the reserved folder.</summary>
    public static bool IsTaskResult(string key) => IsResult(key) && !key.StartsWith(ReservedSegment + "/", StringComparison.Ordinal);

    public static bool IsState(string key) =>
        key.StartsWith(ReservedSegment + "/tasks/", StringComparison.Ordinal) && key.EndsWith("/state.json", StringComparison.Ordinal);
}
