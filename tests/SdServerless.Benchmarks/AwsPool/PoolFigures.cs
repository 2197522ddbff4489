namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// The aws-pool figures, computed only from what happened: the GPU servers' job logs and registration times, and the
/// tasks' result.json. Tasks and jobs are matched by seed (unique per task).
/// </summary>
public static class PoolFigures
{
    /// <summary>
    /// Busy share of the GPUs from the moment the last of them registered until the last job started (after it no task
    /// waits, so a GPU idling then has nothing to do): the time a GPU could have worked and did.
    /// </summary>
    public static double Utilisation(IReadOnlyList<GpuServerLog> servers)
    {
        var from = servers.Max(s => s.RegisteredAt ?? throw new InvalidOperationException("a GPU server never registered"));
        var until = servers.SelectMany(s => s.Jobs).Where(j => j.StartedAt >= from).Select(j => j.StartedAt).DefaultIfEmpty(from).Max();
        var window = (until - from).TotalSeconds;
        if (window <= 0)
        {
            return double.NaN;
        }

        var busy = servers.SelectMany(s => s.Jobs).Sum(j => Overlap(j.StartedAt, j.FinishedAt, from, until));
        return busy / (servers.Count * window);
    }

    /// <summary>
    /// For every job that followed another on the same GPU while its task already waited (created before the GPU was
    /// free): the time from the GPU free to the job on it, in ms.
    /// </summary>
    public static IReadOnlyList<double> DispatchGaps(IReadOnlyList<GpuServerLog> servers, IReadOnlyList<TaskOutcome> outcomes)
    {
        var createdBySeed = outcomes.ToDictionary(o => o.Spec.Seed, o => o.CreatedAt);
        var gaps = new List<double>();
        foreach (var server in servers)
        {
            var jobs = server.Jobs.OrderBy(j => j.StartedAt).ToList();
            for (var i = 1; i < jobs.Count; i++)
            {
                if (jobs[i].Seed is { } seed && createdBySeed.TryGetValue(seed, out var created) && created <= jobs[i - 1].FinishedAt)
                {
                    gaps.Add((jobs[i].StartedAt - jobs[i - 1].FinishedAt).TotalMilliseconds);
                }
            }
        }

        return gaps;
    }

    public static int ModelSwitches(IReadOnlyList<GpuServerLog> servers) => servers.Sum(s => s.Jobs.Count(j => j.SwitchedModel));

    /// <summary>
    /// Fewest checkpoint loads any schedule needs: one per checkpoint the tasks ask for that no server had loaded when
    /// it booted.
    /// </summary>
    public static int ModelSwitchLowerBound(IEnumerable<string> bootedModels, IEnumerable<string?> taskModels)
    {
        var loaded = bootedModels.ToHashSet(StringComparer.Ordinal);
        return taskModels.OfType<string>().Distinct(StringComparer.Ordinal).Count(m => !loaded.Contains(m));
    }

    /// <summary>Attempts result.json counts beyond the calls that reached a GPU for the task (its jobs in the logs).</summary>
    public static int AttemptsWithoutCapacity(IReadOnlyList<GpuServerLog> servers, IReadOnlyList<TaskOutcome> outcomes)
    {
        var jobsBySeed = servers.SelectMany(s => s.Jobs).Where(j => j.Seed is not null).GroupBy(j => j.Seed!.Value).ToDictionary(g => g.Key, g => g.Count());
        return outcomes.Sum(o => Math.Max(0, o.Attempts - jobsBySeed.GetValueOrDefault(o.Spec.Seed)));
    }

    /// <summary>The task's job (its last one, should it have been run twice), or null when no GPU ran it.</summary>
    public static EmulatorJobRecord? JobOf(IReadOnlyList<GpuServerLog> servers, TaskOutcome outcome) =>
        servers.SelectMany(s => s.Jobs).Where(j => j.Seed == outcome.Spec.Seed).MaxBy(j => j.StartedAt);

    /// <summary>
    /// Share of the servers' GPU time, from the first task's creation until the last job's end, during which a GPU was
    /// free while a task waited (created, not yet on a GPU): ∫ min(free GPUs, waiting tasks) dt ÷ (GPUs × that time).
    /// </summary>
    public static double IdleWithBacklog(IReadOnlyList<GpuServerLog> servers, IReadOnlyList<TaskOutcome> outcomes)
    {
        var waits = outcomes.Select(o => (From: o.CreatedAt, Until: JobOf(servers, o)?.StartedAt ?? o.CompletedAt)).ToList();
        var jobs = servers.SelectMany(s => s.Jobs).Select(j => (From: j.StartedAt, Until: j.FinishedAt)).ToList();
        var start = waits.Min(w => w.From);
        var end = jobs.Select(j => j.Until).Concat(waits.Select(w => w.Until)).Max();
        var points = waits.SelectMany(w => new[] { w.From, w.Until }).Concat(jobs.SelectMany(j => new[] { j.From, j.Until }))
            .Where(t => t >= start && t <= end).Distinct().Order().ToList();
        var idle = 0.0;
        for (var i = 0; i + 1 < points.Count; i++)
        {
            var middle = points[i] + ((points[i + 1] - points[i]) / 2);
            var busy = jobs.Count(j => j.From <= middle && middle < j.Until);
            var waiting = waits.Count(w => w.From <= middle && middle < w.Until);
            idle += Math.Min(Math.Max(0, servers.Count - busy), waiting) * (points[i + 1] - points[i]).TotalSeconds;
        }

        var total = servers.Count * (end - start).TotalSeconds;
        return total > 0 ? idle / total : double.NaN;
    }

    private static double Overlap(DateTimeOffset from, DateTimeOffset until, DateTimeOffset windowFrom, DateTimeOffset windowUntil)
    {
        var start = from > windowFrom ? from : windowFrom;
        var end = until < windowUntil ? until : windowUntil;
        return end > start ? (end - start).TotalSeconds : 0;
    }
}
