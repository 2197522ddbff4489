namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// One line per task of an aws-pool run, times in ms from the first task's creation: when the api accepted it, when a
/// dispatcher started it (result.json started_at), when its job ran on which server, when it completed. For finding
/// where a task's time went.
/// </summary>
public static class PoolTimingsCsv
{
    public static string Write(IReadOnlyList<(string Url, GpuServerLog Log)> servers, IReadOnlyList<TaskOutcome> outcomes)
    {
        var csv = new StringBuilder("task,runtime,model,server,switched,created,started,job_start,job_end,completed,attempts\n");
        if (outcomes.Count == 0)
        {
            return csv.ToString();
        }

        var origin = outcomes.Min(o => o.CreatedAt);
        var jobs = servers.SelectMany(s => s.Log.Jobs.Select(j => (s.Url, Job: j))).Where(j => j.Job.Seed is not null)
            .GroupBy(j => j.Job.Seed!.Value).ToDictionary(g => g.Key, g => g.MaxBy(j => j.Job.StartedAt));
        foreach (var outcome in outcomes.OrderBy(o => o.CreatedAt))
        {
            var found = jobs.TryGetValue(outcome.Spec.Seed, out var job);
            csv.AppendLine(string.Join(',',
                outcome.Spec.Id,
                outcome.Spec.Runtime,
                outcome.Spec.Model ?? "",
                found ? job.Url : "",
                found && job.Job.SwitchedModel ? "1" : "0",
                Ms(outcome.CreatedAt, origin),
                outcome.StartedAt is { } started ? Ms(started, origin) : "",
                found ? Ms(job.Job.StartedAt, origin) : "",
                found ? Ms(job.Job.FinishedAt, origin) : "",
                Ms(outcome.CompletedAt, origin),
                outcome.Attempts.ToString(CultureInfo.InvariantCulture)));
        }

        return csv.ToString();
    }

    /// <summary>
    /// One line per message the dispatcher was handed, times in ms from the first task's creation: which task, when
    /// the invocation started and returned. A task given back to the queue shows up once per delivery.
    /// </summary>
    public static string WriteDeliveries(IReadOnlyList<SqsEventSource.Delivery> deliveries, IReadOnlyList<TaskOutcome> outcomes)
    {
        var csv = new StringBuilder("task,invoked,returned\n");
        if (outcomes.Count == 0)
        {
            return csv.ToString();
        }

        var origin = outcomes.Min(o => o.CreatedAt);
        foreach (var delivery in deliveries.OrderBy(d => d.InvokedAt))
        {
            csv.AppendLine(string.Join(',', delivery.TaskId, Ms(delivery.InvokedAt, origin), Ms(delivery.ReturnedAt, origin)));
        }

        return csv.ToString();
    }

    /// <summary>
    /// One line per AWS call the functions made, times in ms from the first task's creation: which call (and object), when it reached
    /// moto (through the counting proxy), how long moto took to answer. Shows when moto, which every step shares, was slow.
    /// </summary>
    public static string WriteCalls(IReadOnlyCollection<CountingProxy.TimedCall> calls, IReadOnlyList<TaskOutcome> outcomes)
    {
        var csv = new StringBuilder("call,object,started,ms\n");
        if (outcomes.Count == 0)
        {
            return csv.ToString();
        }

        var origin = outcomes.Min(o => o.CreatedAt);
        foreach (var call in calls.OrderBy(c => c.StartedAt))
        {
            csv.AppendLine(string.Join(',', call.Call, call.Object, Ms(call.StartedAt, origin), call.Milliseconds.ToString("0.#", CultureInfo.InvariantCulture)));
        }

        return csv.ToString();
    }

    /// <summary>A time as ms from the first task's creation, as the three files write it.</summary>
    private static string Ms(DateTimeOffset time, DateTimeOffset origin) =>
        (time - origin).TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture);
}
