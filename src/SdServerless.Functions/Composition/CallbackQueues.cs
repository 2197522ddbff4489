using SdServerless.Core.Queueing;

namespace SdServerless.Functions.Composition;

/// <summary>
/// The callback function's own queues, registered by the host: both are <see cref="ITaskQueue"/>s, like the task
/// queue, so they travel together under a type of their own.
/// </summary>
/// <param name="DeadLetters">The callback dead-letter queue (not the task queue): undeliverable webhooks wait there for the replay.</param>
/// <param name="EventDeadLetters">Where the callback function's failed S3 events wait (AWS), for the replay to run again; null: none.</param>
public sealed record CallbackQueues(ITaskQueue DeadLetters, ITaskQueue? EventDeadLetters = null);
