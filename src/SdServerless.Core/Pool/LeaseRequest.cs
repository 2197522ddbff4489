namespace SdServerless.Core.Pool;

/// <summary>A dispatcher's request for a slot on one of the runtime's servers, for one attempt of a task.</summary>
/// <param name="Runtime">The runtime whose servers may take the task.</param>
/// <param name="TaskId">The task the lease is for: it names the lease, so a retry finds (and renews) its own.</param>
/// <param name="Model">The checkpoint the task needs; null when it names none (any server will do).</param>
/// <param name="Duration">How long the lease holds without renewal: the task's deadline plus a margin.</param>
/// <param name="Avoid">A server the task must not run on (it ran out of memory there); null: any.</param>
public sealed record LeaseRequest(string Runtime, string TaskId, string? Model, TimeSpan Duration, string? Avoid = null)
{
    /// <summary>Whether the task may run on this server.</summary>
    public bool MayUse(string url) => Avoid is null || !PoolServer.SameUrl(Avoid, url);
}
