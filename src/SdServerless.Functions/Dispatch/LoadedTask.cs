using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <summary>A received message's task, as the dispatcher runs it.</summary>
/// <param name="Task">The task, from request.json or inline in the message.</param>
/// <param name="CreatedAt">When the task was accepted: request.json's time, else the message's SentTimestamp.</param>
/// <param name="Superseded">
/// The message was sent for a request that did not end up owning the id (it withdrew, or another request took the
/// record over): it must not run.
/// </param>
public sealed record LoadedTask(SdTask Task, DateTimeOffset CreatedAt, bool Superseded = false);
