namespace SdServerless.Core.Pool;

/// <param name="Model">The checkpoint the task needs; null when it names none (any server will do).</param>
/// <param name="Duration">How long the lease holds without renewal: the task's deadline plus a margin.</param>
/// <param name="Avoid">A server the task must not run on (it ran out of memory there); null: any.</param>
public sealed record LeaseRequest(string Runtime, string TaskId, string? Model, TimeSpan Duration, string? Avoid = null)
{
    /// <summary>Whether the task may run on this server.</summary>
    public bool MayUse(string url) => Avoid is null || !PoolServer.SameUrl(Avoid, url);
}
