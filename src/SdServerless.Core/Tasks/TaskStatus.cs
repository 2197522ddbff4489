using System.Text.Json.Serialization;

namespace SdServerless.Core.Tasks;

[JsonConverter(typeof(JsonStringEnumConverter<TaskStatus>))]
public enum TaskStatus
{
    [JsonStringEnumMemberName("queued")]
    Queued,

    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Stopped at the client's request (before it ran, or interrupted with the images made so far).</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}
