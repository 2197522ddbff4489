using System.Text.Json.Serialization;

namespace SdServerless.Core.Tasks;

/// <summary>Where a task stands, as status responses, result.json and the callback spell it (lowercase).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskStatus>))]
public enum TaskStatus
{
    /// <summary>Accepted, waiting for a server (or for its next attempt).</summary>
    [JsonStringEnumMemberName("queued")]
    Queued,

    /// <summary>A server is generating it now.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Every output is stored; result.json lists them.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>Ended without a result: result.json's error says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Stopped at the client's request (before it ran, or interrupted with the images made so far).</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}
