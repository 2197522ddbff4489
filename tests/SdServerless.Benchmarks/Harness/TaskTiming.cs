namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// Where one task's end-to-end time went. The task's GPU job is found in the emulator's job log by its seed.
/// <list type="bullet">
/// <item>end-to-end: result.json completed_at − created_at (the API accepted the task);</item>
/// <item>GPU time: the job's time on its emulated GPU (model load included);</item>
/// <item>queue wait: from created_at until the GPU that ran the task was free for it, i.e. the end of that GPU's previous
/// job (zero when the GPU was idle at submission): time lost to the GPUs being busy, not to the control plane;</item>
/// <item>overhead = end-to-end − queue wait − GPU time = dispatch gap (the GPU free, the task not yet on it) + output
/// time (GPU released until result.json written: the response transfer, image writes, result.json).</item>
/// <item>output time = server response time (GPU released until the emulator has sent its whole response: encoding
/// the PNGs, as SD Web UI does after leaving its queue lock) + storing time (response sent until completed_at: the
/// dispatcher reading it, decoding and writing the images, finishing the task).</item>
/// <item>result write: completed_at (stamped into result.json) until result.json exists, flushed, for readers of the
/// status and the callback; overhead to visible = overhead + result write.</item>
/// </list>
/// </summary>
/// <param name="ResultVisibleAt">When the store reported result.json created (null when not observed).</param>
public sealed record TaskTiming(TaskOutcome Outcome, EmulatorJobRecord Job, DateTimeOffset GpuFreeAt, DateTimeOffset? ResultVisibleAt = null)
{
    public TimeSpan EndToEnd => Outcome.CompletedAt - Outcome.CreatedAt;

    public TimeSpan GpuTime => Job.FinishedAt - Job.StartedAt;

    public TimeSpan QueueWait => Max(Outcome.CreatedAt, GpuFreeAt) - Outcome.CreatedAt;

    public TimeSpan DispatchGap => Job.StartedAt - Max(Outcome.CreatedAt, GpuFreeAt);

    public TimeSpan OutputTime => Outcome.CompletedAt - Job.FinishedAt;

    public TimeSpan ServerResponseTime => (Job.RespondedAt ?? Job.FinishedAt) - Job.FinishedAt;

    public TimeSpan StoringTime => Outcome.CompletedAt - (Job.RespondedAt ?? Job.FinishedAt);

    public TimeSpan Overhead => EndToEnd - QueueWait - GpuTime;

    public TimeSpan ResultWrite => (ResultVisibleAt ?? Outcome.CompletedAt) - Outcome.CompletedAt;

    public TimeSpan OverheadToVisible => Overhead + ResultWrite;

    /// <summary>Pairs each outcome with its GPU job and the end of the job before it on the same GPU.</summary>
    /// <param name="visibleAt">When each task's result.json was created, by its key (may be empty).</param>
    public static IReadOnlyList<TaskTiming> Join(
        IReadOnlyList<TaskOutcome> outcomes, IReadOnlyList<EmulatorJobRecord> jobLog, IReadOnlyDictionary<string, DateTimeOffset>? visibleAt = null)
    {
        var previousEnd = new Dictionary<EmulatorJobRecord, DateTimeOffset>();
        foreach (var gpu in jobLog.GroupBy(j => j.Gpu))
        {
            var free = DateTimeOffset.MinValue;
            foreach (var job in gpu.OrderBy(j => j.StartedAt))
            {
                previousEnd[job] = free;
                free = job.FinishedAt;
            }
        }

        var bySeed = jobLog.Where(j => j.Seed is not null).GroupBy(j => j.Seed!.Value).ToDictionary(g => g.Key, g => g.Last());
        return [.. outcomes.Select(outcome => bySeed.TryGetValue(outcome.Spec.Seed, out var job)
            ? new TaskTiming(outcome, job, previousEnd[job], visibleAt is not null && visibleAt.TryGetValue(outcome.Spec.ResultKey, out var visible) ? visible : null)
            : throw new InvalidOperationException($"task {outcome.Spec.Id} (seed {outcome.Spec.Seed}) has no GPU job in the emulator's log"))];
    }

    /// <summary>One line per task, times in milliseconds from the first task's created_at: for looking at one run closely.</summary>
    public static string Csv(IReadOnlyList<TaskTiming> timings)
    {
        var origin = timings.Min(t => t.Outcome.CreatedAt);
        var csv = new System.Text.StringBuilder("task,gpu,created,gpu_free,gpu_start,gpu_end,responded,completed,queue_wait,dispatch_gap,gpu_time,server_response,storing,overhead,result_write\n");
        foreach (var t in timings.OrderBy(t => t.Outcome.CreatedAt))
        {
            csv.AppendLine(string.Join(',',
                t.Outcome.Spec.Id,
                t.Job.Gpu.ToString(CultureInfo.InvariantCulture),
                Ms(t.Outcome.CreatedAt - origin),
                Ms(Max(t.GpuFreeAt, origin) - origin),
                Ms(t.Job.StartedAt - origin),
                Ms(t.Job.FinishedAt - origin),
                t.Job.RespondedAt is { } responded ? Ms(responded - origin) : "",
                Ms(t.Outcome.CompletedAt - origin),
                Ms(t.QueueWait),
                Ms(t.DispatchGap),
                Ms(t.GpuTime),
                Ms(t.ServerResponseTime),
                Ms(t.StoringTime),
                Ms(t.Overhead),
                Ms(t.ResultWrite)));
        }

        return csv.ToString();

        static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
