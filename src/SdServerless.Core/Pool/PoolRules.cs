using SdServerless.Core.SdWebUi;

namespace SdServerless.Core.Pool;

/// <summary>
/// How many slots a server has and which free server a task takes: the same for every registry, so that the local
/// host and the dispatchers on AWS route alike. A server with <c>gpus</c> GPUs has <c>gpus × (1 + requests ahead)</c>
/// slots. With model affinity a free server that has the task's checkpoint loaded comes first, and a slot queued
/// behind running work is only taken for the loaded checkpoint (unless the server has an idle GPU), so a task never
/// waits behind another checkpoint's job and then forces a reload.
/// </summary>
/// <param name="RequestsAhead">Requests sent ahead per GPU to wait in SD Web UI's own queue (0: only idle GPUs).</param>
/// <param name="ModelAffinity">Off: the least loaded free server and the oldest waiter, whatever they have loaded.</param>
public sealed record PoolRules(int RequestsAhead = 0, bool ModelAffinity = true)
{
    /// <summary>A server entry whose heartbeat is older than this is never chosen.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    public int SlotsOf(int gpus) => Math.Max(1, gpus) * (1 + Math.Max(0, RequestsAhead));

    /// <summary>
    /// The free server a task takes, in the order given (the caller rotates or shuffles it to spread equal load);
    /// null when none may take it now.
    /// </summary>
    public T? ChooseFree<T>(IEnumerable<T> servers, Func<T, PoolOccupancy> occupancy, string? model)
        where T : class
    {
        var affinity = ModelAffinity && model is not null;
        T? any = null;
        var anyLoad = double.MaxValue;
        foreach (var server in servers)
        {
            var state = occupancy(server);
            if (state.Leased >= state.Slots)
            {
                continue;
            }

            if (affinity && SdWebUiModelNames.SameModel(state.LoadedModel, model))
            {
                return server;
            }

            if (affinity && !state.HasIdleGpu)
            {
                continue;
            }

            if (any is null || state.Load < anyLoad)
            {
                any = server;
                anyLoad = state.Load;
            }
        }

        return any;
    }
}
