using SdServerless.Core.Tasks;

namespace SdServerless.Functions.Dispatch;

/// <param name="CreatedAt">When the task was accepted: request.json's time, else the message's SentTimestamp.</param>
public sealed record LoadedTask(SdTask Task, DateTimeOffset CreatedAt);
