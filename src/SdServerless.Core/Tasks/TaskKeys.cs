namespace SdServerless.Core.Tasks;

/// <summary>
/// The bucket layout. Outputs: PREFIX/ID/ID-N.EXT, then PREFIX/ID/result.json last.
/// Bookkeeping lives under a reserved first segment that no validated prefix may use.
/// </summary>
public static class TaskKeys
{
    /// <summary>The first key segment of the bookkeeping area; <see cref="KeyRules"/> refuses it as a prefix.</summary>
    public const string ReservedSegment = "_sdserverless";
    /// <summary>The last file written for a task: its existence means the task is over, and its creation fires the callback.</summary>
    public const string ResultFileName = "result.json";

    private static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks;

    /// <summary>The key of output number <paramref name="number"/> (from 1): PREFIX/ID/ID-N.EXT.</summary>
    /// <param name="prefix">The task's prefix.</param>
    /// <param name="id">The task id.</param>
    /// <param name="number">The output's position in SD Web UI's answer, from 1.</param>
    /// <param name="extension">The extension of the sniffed format, without the dot.</param>
    public static string Output(string prefix, string id, int number, string extension) => $"{prefix}/{id}/{id}-{number}.{extension}";

    /// <summary>The key of the task's result.json, next to its outputs.</summary>
    /// <param name="prefix">The task's prefix.</param>
    /// <param name="id">The task id.</param>
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

    /// <summary>The s3:// folder of the task's outputs, as the accepted response reports it.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="prefix">The task's prefix.</param>
    /// <param name="id">The task id.</param>
    public static string OutputLocation(string bucket, string prefix, string id) => $"s3://{bucket}/{prefix}/{id}";

    /// <summary>The s3:// URI of one object, as result.json lists outputs.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="key">The object's key.</param>
    public static string S3Uri(string bucket, string key) => $"s3://{bucket}/{key}";

    /// <summary>Whether the key names a result.json, under a task's prefix or not (see <see cref="IsTaskResult"/>).</summary>
    /// <param name="key">An object key.</param>
    public static bool IsResult(string key) => key.EndsWith("/" + ResultFileName, StringComparison.Ordinal);

    /// <summary>A task's published result.json, whose creation fires its callback: not one under the reserved folder.</summary>
    public static bool IsTaskResult(string key) => IsResult(key) && !key.StartsWith(ReservedSegment + "/", StringComparison.Ordinal);

    /// <summary>Whether the key names a task's state.json in the bookkeeping area.</summary>
    /// <param name="key">An object key.</param>
    public static bool IsState(string key) =>
        key.StartsWith(ReservedSegment + "/tasks/", StringComparison.Ordinal) && key.EndsWith("/state.json", StringComparison.Ordinal);
}
