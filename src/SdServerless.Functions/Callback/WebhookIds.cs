using System.Security.Cryptography;
using System.Text;

namespace SdServerless.Functions.Callback;

/// <summary>
/// The webhook-id of a task's callback. Derived from the result itself, so duplicate S3 events, retries and
/// replays of the same result carry the same id (receivers deduplicate on it), while a task re-run that writes
/// a new result.json (new completed_at) gets a new one.
/// </summary>
public static class WebhookIds
{
    /// <summary>msg_ and 32 hex digits of a hash of the bucket, the result's key and its completion time.</summary>
    public static string ForResult(string bucket, string resultKey, DateTimeOffset completedAt)
    {
        var identity = $"{bucket}\n{resultKey}\n{completedAt.UtcTicks}";
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity), hash);
        return "msg_" + Convert.ToHexStringLower(hash[..16]);
    }
}
