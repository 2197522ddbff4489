using SdServerless.Core.SdWebUi;

namespace SdServerless.Core.Pool;

/// <summary>What a registry knows of one server when it chooses where a task goes.</summary>
/// <param name="Gpus">Generations the server runs at once.</param>
/// <param name="Slots">Leases it may hold: its GPUs and the requests queued ahead of them (<see cref="PoolRules.SlotsOf"/>).</param>
/// <param name="Leased">Unexpired leases: requests running on its GPUs or queued ahead of them.</param>
/// <param name="LoadedModel">The checkpoint it has loaded, or will have once its newest lease runs; null when unknown.</param>
public readonly record struct PoolOccupancy(int Gpus, int Slots, int Leased, string? LoadedModel)
{
    /// <summary>A request sent now would start at once: fewer leases than GPUs.</summary>
    public bool HasIdleGpu => Leased < Gpus;

    /// <summary>The share of its slots taken: between equally suitable servers the least loaded is chosen.</summary>
    public double Load => (double)Leased / Math.Max(1, Slots);

    /// <summary>A request for <paramref name="model"/> would make the server load another checkpoint than the one it has.</summary>
    /// <param name="model">The checkpoint the request needs; null when any will do (never a switch).</param>
    public bool Switches(string? model) =>
        model is not null && LoadedModel is { } loaded && !SdWebUiModelNames.SameModel(loaded, model);
}
