namespace SdServerless.Core.Tasks;

/// <summary>
/// The bucket layout. Outputs: PREFIX/ID/ID-N.EXT, then PREFIX/ID/result.json last.
/// Bookkeeping lives under a reserved first segment that no validated prefix may use.
/// </summary>
public static class TaskKeys
{
    public const string ReservedSegment = "_sdserverless";
    public const string ResultFileName = "result.json";

    private const long MaxIndexMilliseconds = 9_999_999_999_999;

    public static string OutputFolder(string prefix, string id) => $"{prefix}/{id}";

    public static string Output(string prefix, string id, int number, string extension) => $"{prefix}/{id}/{id}-{number}.{extension}";

    public static string Result(string prefix, string id) => $"{prefix}/{id}/{ResultFileName}";

    /// <summary>The accepted request (idempotency record, and the task itself when too large for a message).</summary>
    public static string Request(string id) => $"{ReservedSegment}/tasks/{id}/request.json";

    /// <summary>The dispatcher's progress (running, attempts) before result.json exists.</summary>
    public static string State(string id) => $"{ReservedSegment}/tasks/{id}/state.json";

    /// <summary>Written by the API when a client cancels; the dispatcher reads it (only it talks to GPU servers).</summary>
    public static string Cancel(string id) => $"{ReservedSegment}/tasks/{id}/cancel.json";

    /// <summary>One empty-ish object per accepted task, named so that S3's key order is newest first.</summary>
    public const string IndexPrefix = ReservedSegment + "/index/";

    /// <summary>Inverted milliseconds, zero-padded: a later task sorts first (until the year 2286).</summary>
    public static string Index(DateTimeOffset createdAt, string id) =>
        $"{IndexPrefix}{MaxIndexMilliseconds - createdAt.ToUnixTimeMilliseconds():D13}-{id}";

    /// <summary>The id and creation time an index key names, or null when the key is not an index key.</summary>
    public static (string Id, DateTimeOffset CreatedAt)? ParseIndex(string key)
    {
        if (!key.StartsWith(IndexPrefix, StringComparison.Ordinal) || key.Length < IndexPrefix.Length + 15 || key[IndexPrefix.Length + 13] != '-'
            || !long.TryParse(key.AsSpan(IndexPrefix.Length, 13), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var inverted))
        {
            return null;
        }

        return (key[(IndexPrefix.Length + 14)..], DateTimeOffset.FromUnixTimeMilliseconds(MaxIndexMilliseconds - inverted));
    }

    public static string OutputLocation(string bucket, string prefix, string id) => $"s3://{bucket}/{prefix}/{id}";

    public static string S3Uri(string bucket, string key) => $"s3://{bucket}/{key}";

    public static bool IsResult(string key) => key.EndsWith("/" + ResultFileName, StringComparison.Ordinal);

    public static bool IsState(string key) =>
        key.StartsWith(ReservedSegment + "/tasks/", StringComparison.Ordinal) && key.EndsWith("/state.json", StringComparison.Ordinal);
}
