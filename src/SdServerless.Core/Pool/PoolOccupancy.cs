namespace SdServerless.Core.Pool;

/// <summary>What a registry knows of one server when it chooses where a task goes.</summary>
/// <param name="Leased">Unexpired leases: requests running on its GPUs or queued ahead of them.</param>
public readonly record struct PoolOccupancy(int Gpus, int Slots, int Leased, string? LoadedModel)
{
    /// <summary>A request sent now would start at once: fewer leases than GPUs.</summary>
    public bool HasIdleGpu => Leased < Gpus;

    public double Load => (double)Leased / Math.Max(1, Slots);
}
