using System.Text.Json.Serialization;

namespace SdServerless.Functions.Callback;

/// <summary>How a webhook's delivery ended; written into dead letters by its snake_case name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WebhookDeliveryOutcome>))]
public enum WebhookDeliveryOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    [JsonStringEnumMemberName("delivered")]
    Delivered,

    /// <summary>410: the receiver says the endpoint is gone for good; nothing is retried or dead-lettered.</summary>
    [JsonStringEnumMemberName("gone")]
    Gone,

    /// <summary>Any other 4xx (or a 3xx: webhooks are not redirected): retrying cannot help.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>The URL breaks the URL rules (scheme, credentials, non-public address); nothing was sent.</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,

    /// <summary>Retryable failures until the attempts or the time ran out.</summary>
    [JsonStringEnumMemberName("gave_up")]
    GaveUp,
}
