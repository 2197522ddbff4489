namespace SdServerless.Core.Pool;

/// <summary>
/// One dispatcher's claim on one slot of one server. <see cref="Owner"/> is a token only the holder knows: release and
/// renewal are conditional on it, so a lease that expired and was taken over is never released by its old holder.
/// </summary>
public sealed record PoolLease(
    string Runtime,
    string Url,
    int Slot,
    string Owner,
    string TaskId,
    string? Model,
    DateTimeOffset AcquiredAt,
    DateTimeOffset ExpiresAt);
