namespace SdServerless.Core.Pool;

/// <param name="Model">The checkpoint the task needs; null when it names none (any server will do).</param>
/// <param name="Duration">How long the lease holds without renewal: the task's deadline plus a margin.</param>
public sealed record LeaseRequest(string Runtime, string TaskId, string? Model, TimeSpan Duration);
