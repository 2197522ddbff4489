namespace SdServerless.Aws.Pool;

/// <summary>
/// A dispatcher waiting for a slot, as the pool table shows it to the others: the checkpoint its task wants. The same
/// owner names the lease it gets, so a waiter whose lease exists no longer counts even before its item is deleted.
/// </summary>
/// <param name="Runtime">The runtime whose servers the task waits for.</param>
/// <param name="Owner">The waiting dispatcher's lease owner: the lease it gets carries the same one.</param>
/// <param name="TaskId">The task waiting.</param>
/// <param name="Model">The checkpoint the task wants; null when any will do.</param>
/// <param name="Since">When it started waiting: older waiters of a checkpoint go first.</param>
/// <param name="ExpiresAt">Counts until then: a waiter that crashed stops holding others back on its own.</param>
internal sealed record PoolWaiter(string Runtime, string Owner, string TaskId, string? Model, DateTimeOffset Since, DateTimeOffset ExpiresAt);
