using System.Text.Json.Serialization;

namespace SdServerless.Local.Admin;

/// <summary>The JSON of GET /admin/pool: every runtime of the host, in the order of its configuration.</summary>
internal sealed record PoolViewBody(IReadOnlyList<RuntimePoolBody> Runtimes);

/// <summary>One runtime in the pool view.</summary>
/// <param name="Name">The runtime's name, as tasks name it.</param>
/// <param name="QueueDepth">Tasks waiting in the runtime's queue (approximate, as SQS counts them).</param>
/// <param name="Servers">The runtime's servers as the registry sees them now.</param>
internal sealed record RuntimePoolBody(string Name, long QueueDepth, IReadOnlyList<PoolServerBody> Servers);

/// <summary>One server in the pool view.</summary>
/// <param name="Url">The base URL the dispatcher calls.</param>
/// <param name="Gpus">Generations it runs at once.</param>
/// <param name="LoadedModel">The checkpoint it has loaded as far as the registry knows; written as null when unknown.</param>
/// <param name="LeasedSlots">Slots leased to tasks right now.</param>
/// <param name="Busy">Whether any slot is leased: what the page shows as busy or free.</param>
internal sealed record PoolServerBody(string Url, int Gpus, string? LoadedModel, int LeasedSlots, bool Busy);

/// <summary>The JSON of GET /admin/callbacks: the readable entries of the callback dead-letter queue, oldest first.</summary>
internal sealed record CallbacksViewBody(IReadOnlyList<DeadLetteredCallbackBody> Callbacks);

/// <summary>
/// One undelivered webhook in the callbacks view: what a person needs to decide on a replay, without the payload.
/// </summary>
/// <param name="WebhookId">The id the replay keeps, so that the receiver can tell a repeat.</param>
/// <param name="Url">Where the webhook went.</param>
/// <param name="IdTask">The task it reported; written as null when the entry does not say.</param>
/// <param name="Reason">Why the last attempt failed.</param>
/// <param name="StatusCode">The receiver's last HTTP status; written as null when it never answered.</param>
/// <param name="Attempts">Delivery attempts made before it was dead-lettered.</param>
/// <param name="FailedAt">When it was dead-lettered.</param>
internal sealed record DeadLetteredCallbackBody(
    string WebhookId, string Url, string? IdTask, string Reason, int? StatusCode, int Attempts, DateTimeOffset FailedAt);

/// <summary>Source-generated JSON of the admin views: snake_case names and explicit nulls, like the API's bodies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PoolViewBody))]
[JsonSerializable(typeof(CallbacksViewBody))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
