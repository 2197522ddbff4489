namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// The AWS deployment simulated on this machine (<see cref="PoolDeployment"/>), in two runs.
/// Run 1, a cold pool: tasks arrive while no GPU is registered, then the GPUs join one after another; no task may fail
/// or spend an attempt for want of capacity, and once every GPU is in, none may idle while tasks wait.
/// Run 2, two runtimes with their own queues: runtime A gets a backlog 20 times its GPUs, then runtime B a steady
/// trickle; B's GPUs must not idle while a B task waits behind A's backlog.
/// </summary>
public static class AwsPoolScenario
{
    public static readonly string[] Models = ["model-a.safetensors", "model-b.safetensors"];

    /// <param name="ZeroPool">How long the pool stays at zero while tasks arrive (all of them arrive in this time).</param>
    /// <param name="JoinOffsets">When each GPU of run 1 joins, after <paramref name="ZeroPool"/> (their boot delays).</param>
    /// <param name="Run1Tasks">Tasks of run 1, half of each checkpoint in a fixed shuffled order.</param>
    /// <param name="BacklogFactor">Run 2: runtime A's backlog in tasks per A GPU.</param>
    /// <param name="TrickleTasks">Run 2: runtime B's tasks, one every 1.5 generations.</param>
    /// <param name="TimingsDirectory">Where each run's per-task CSV goes (<see cref="PoolTimingsCsv"/>); null: nowhere.</param>
    /// <param name="OneMoto">S3, SQS and DynamoDB on one moto_server (see <see cref="MotoServices"/>).</param>
    public sealed record Settings(
        int DelayMs, int SwitchMs, TimeSpan ZeroPool, IReadOnlyList<TimeSpan> JoinOffsets, int Run1Tasks, int BacklogFactor = 20,
        int TrickleTasks = 12, int RuntimeGpus = 2, int ConcurrencyPerGpu = 3, int ShuffleSeed = 6, string? TimingsDirectory = null, bool OneMoto = false);

    /// <summary>Both runs; a run that breaks down is reported as a note, so that the other's figures are kept.</summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(Settings settings, CancellationToken cancellationToken) =>
    [
        await Reported("cold pool", () => ColdPoolAsync(settings, cancellationToken)),
        await Reported("two runtimes", () => TwoRuntimesAsync(settings, cancellationToken)),
    ];

    private static async Task<ScenarioResult> Reported(string variant, Func<Task<ScenarioResult>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or IOException or HttpRequestException)
        {
            var failed = new ScenarioResult("aws-pool", variant);
            failed.Notes.Add($"the run broke down: {exception}");
            return failed;
        }
    }

    public static async Task<ScenarioResult> ColdPoolAsync(Settings settings, CancellationToken cancellationToken)
    {
        var gpus = settings.JoinOffsets.Count;
        var topology = new PoolTopology([new PoolRuntime("sdruntime", Models, gpus)], settings.DelayMs, settings.SwitchMs, settings.ConcurrencyPerGpu, OneMoto: settings.OneMoto);
        await using var deployment = await PoolDeployment.StartAsync(topology, cancellationToken);
        var random = new Random(settings.ShuffleSeed);
        var models = Enumerable.Range(0, settings.Run1Tasks).Select(i => Models[i % Models.Length]).ToArray();
        random.Shuffle(models);
        var tasks = models.Select((model, i) => new TaskSpec($"cold-{i:D5}", 1 + i, Model: model)).ToList();

        // From here on the calls count; the servers boot until their offset after the zero-pool period.
        deployment.Stack.Functions.Reset();
        deployment.Stack.Servers.Reset();
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < gpus; i++)
        {
            await deployment.Servers[i].JoinAfterAsync(settings.ZeroPool + settings.JoinOffsets[i], cancellationToken);
        }

        var client = deployment.Client;
        var submissions = new List<Task>();
        for (var i = 0; i < tasks.Count; i++)
        {
            var due = started + (settings.ZeroPool * i / tasks.Count);
            if (due - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            submissions.Add(client.SubmitAsync(tasks[i], cancellationToken));
        }

        await Task.WhenAll(submissions);
        var timeout = settings.JoinOffsets.Max() + TimeSpan.FromMilliseconds((settings.DelayMs + settings.SwitchMs) * 3.0 * tasks.Count / gpus) + TimeSpan.FromSeconds(120);
        var outcomes = await client.WaitForAllAsync(tasks, timeout, cancellationToken);
        var logs = await deployment.LogsAsync(deployment.Servers, cancellationToken);
        var calls = deployment.Stack.Functions.Calls;
        await WriteTimingsAsync(settings, "aws-pool-cold-timings.csv", deployment, logs, outcomes, cancellationToken);

        var result = new ScenarioResult("aws-pool", $"cold pool, {gpus} GPUs");
        Describe(result, deployment, tasks.Count);
        result.Parameters["zero_pool_s"] = settings.ZeroPool.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        result.Parameters["join_offsets_s"] = string.Join(", ", settings.JoinOffsets.Select(o => o.TotalSeconds.ToString(CultureInfo.InvariantCulture)));
        AddOutcomes(result, tasks.Count, outcomes, deployment);
        result.Add("attempts_spent_without_capacity", PoolFigures.AttemptsWithoutCapacity(logs, outcomes), "attempts", "= 0", PoolFigures.AttemptsWithoutCapacity(logs, outcomes) == 0);
        var utilisation = PoolFigures.Utilisation(logs);
        result.Add("gpu_utilisation", utilisation * 100, "%", "≥ 95", utilisation >= 0.95);
        var switches = PoolFigures.ModelSwitches(logs);
        var lowerBound = PoolFigures.ModelSwitchLowerBound(deployment.Servers.Select(s => s.Options.Models[0]), tasks.Select(t => t.Model));
        result.Add("model_switches", switches, "switches", $"≤ {(2 * lowerBound) + 4}", switches <= (2 * lowerBound) + 4);
        result.Add("model_switch_lower_bound", lowerBound, "switches");
        var gaps = PoolFigures.DispatchGaps(logs, outcomes);
        if (gaps.Count > 0)
        {
            result.Add("dispatch_gap_p50", Percentiles.Of(gaps, 50), "ms", "≤ 50", Percentiles.Of(gaps, 50) <= 50);
            result.Add("dispatch_gap_p95", Percentiles.Of(gaps, 95), "ms");
        }

        if (outcomes.Count > 0 && logs.Any(l => l.RegisteredAt is not null))
        {
            result.Add("first_image_after_first_gpu", (outcomes.Min(o => o.CompletedAt) - logs.Where(l => l.RegisteredAt is not null).Min(l => l.RegisteredAt!.Value)).TotalSeconds, "s");
        }

        AddCalls(result, calls, deployment, tasks.Count);
        return result;
    }

    public static async Task<ScenarioResult> TwoRuntimesAsync(Settings settings, CancellationToken cancellationToken)
    {
        var a = new PoolRuntime("runtime-a", [Models[0]], settings.RuntimeGpus);
        var b = new PoolRuntime("runtime-b", [Models[1]], settings.RuntimeGpus);
        var topology = new PoolTopology([a, b], settings.DelayMs, settings.SwitchMs, settings.ConcurrencyPerGpu, OneMoto: settings.OneMoto);
        await using var deployment = await PoolDeployment.StartAsync(topology, cancellationToken);
        foreach (var server in deployment.Servers)
        {
            await server.JoinAfterAsync(TimeSpan.Zero, cancellationToken);
        }

        await WaitUntilRegisteredAsync(deployment, cancellationToken);
        var backlog = Enumerable.Range(0, settings.BacklogFactor * a.Gpus).Select(i => new TaskSpec($"a-{i:D5}", 100_001 + i, Model: a.Models[0], Runtime: a.Name)).ToList();
        var trickle = Enumerable.Range(0, settings.TrickleTasks).Select(i => new TaskSpec($"b-{i:D5}", 200_001 + i, Model: b.Models[0], Runtime: b.Name)).ToList();
        deployment.Stack.Functions.Reset();
        deployment.Stack.Servers.Reset();

        var client = deployment.Client;
        await Task.WhenAll(backlog.Select(t => client.SubmitAsync(t, cancellationToken)));
        var interval = TimeSpan.FromMilliseconds(settings.DelayMs * 1.5);
        var started = DateTimeOffset.UtcNow;
        var submissions = new List<Task>();
        for (var i = 0; i < trickle.Count; i++)
        {
            if (started + (interval * i) - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            submissions.Add(client.SubmitAsync(trickle[i], cancellationToken));
        }

        await Task.WhenAll(submissions);
        var all = backlog.Concat(trickle).ToList();
        var timeout = TimeSpan.FromMilliseconds((settings.DelayMs + settings.SwitchMs) * 3.0 * backlog.Count / a.Gpus) + TimeSpan.FromSeconds(120);
        var outcomes = await client.WaitForAllAsync(all, timeout, cancellationToken);
        await WriteTimingsAsync(settings, "aws-pool-runtimes-timings.csv", deployment, await deployment.LogsAsync(deployment.Servers, cancellationToken), outcomes, cancellationToken);
        var bLogs = await deployment.LogsAsync(deployment.ServersOf(b.Name), cancellationToken);
        var bOutcomes = outcomes.Where(o => o.Spec.Runtime == b.Name).ToList();
        var calls = deployment.Stack.Functions.Calls;

        var result = new ScenarioResult("aws-pool", $"two runtimes, {a.Gpus}+{b.Gpus} GPUs");
        Describe(result, deployment, all.Count);
        result.Parameters["runtime_a_backlog"] = backlog.Count.ToString(CultureInfo.InvariantCulture);
        result.Parameters["runtime_b_tasks"] = $"{trickle.Count}, one every {interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms";
        AddOutcomes(result, all.Count, outcomes, deployment);
        if (bOutcomes.Count > 0)
        {
            var idle = PoolFigures.IdleWithBacklog(bLogs, bOutcomes);
            result.Add("runtime_b_idle_with_backlog", idle, "fraction", "≤ 0.05", idle <= 0.05);
            var waits = bOutcomes.Select(o => PoolFigures.JobOf(bLogs, o) is { } job ? (job.StartedAt - o.CreatedAt).TotalMilliseconds : double.NaN).Where(w => !double.IsNaN(w)).ToList();
            result.Add("runtime_b_tasks_on_b_gpus", waits.Count, "tasks");
            if (waits.Count > 0)
            {
                var p50 = Percentiles.Of(waits, 50);
                result.Add("runtime_b_queue_wait_p50", p50, "ms", $"< {settings.DelayMs}", p50 < settings.DelayMs);
                result.Add("runtime_b_queue_wait_p95", Percentiles.Of(waits, 95), "ms");
            }
        }

        AddCalls(result, calls, deployment, all.Count);
        return result;
    }

    private static async Task WriteTimingsAsync(
        Settings settings, string name, PoolDeployment deployment, IReadOnlyList<GpuServerLog> logs, IReadOnlyList<TaskOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (settings.TimingsDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            var servers = deployment.Servers.Select(s => s.Options.Url).Zip(logs).ToList();
            await File.WriteAllTextAsync(Path.Combine(directory, name), PoolTimingsCsv.Write(servers, outcomes), cancellationToken);
            await File.WriteAllTextAsync(
                Path.Combine(directory, name.Replace("-timings.csv", "-deliveries.csv", StringComparison.Ordinal)),
                PoolTimingsCsv.WriteDeliveries(deployment.EventSources.SelectMany(e => e.Deliveries).ToList(), outcomes),
                cancellationToken);
            await File.WriteAllTextAsync(
                Path.Combine(directory, name.Replace("-timings.csv", "-calls.csv", StringComparison.Ordinal)),
                PoolTimingsCsv.WriteCalls(deployment.Stack.Functions.Timeline, outcomes),
                cancellationToken);
        }
    }

    private static async Task WaitUntilRegisteredAsync(PoolDeployment deployment, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await deployment.LogsAsync(deployment.Servers, cancellationToken)).Any(l => l.RegisteredAt is null))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the GPU servers did not all register within 60 s");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static void Describe(ScenarioResult result, PoolDeployment deployment, int tasks)
    {
        var topology = deployment.Topology;
        result.Parameters["tasks"] = tasks.ToString(CultureInfo.InvariantCulture);
        result.Parameters["runtimes"] = string.Join("; ", topology.Runtimes.Select(r =>
            $"{r.Name}: {r.Gpus} GPU(s), models {string.Join(", ", r.Models)}, event source max concurrency {topology.MaxConcurrency(r)}"));
        result.Parameters["ms_per_image"] = topology.DelayMs.ToString(CultureInfo.InvariantCulture);
        result.Parameters["model_switch_ms"] = topology.SwitchMs.ToString(CultureInfo.InvariantCulture);
        result.Parameters["batch_size"] = topology.BatchSize.ToString(CultureInfo.InvariantCulture);
        result.Parameters["lambda_program"] = deployment.Dispatcher.Program;
        result.Parameters["moto"] = topology.OneMoto ? "one moto_server for S3, SQS and DynamoDB" : "one moto_server per service";
    }

    /// <summary>Every task is accounted for: a task without result.json by the deadline counts as failed.</summary>
    private static void AddOutcomes(ScenarioResult result, int tasks, IReadOnlyList<TaskOutcome> outcomes, PoolDeployment deployment)
    {
        var succeeded = outcomes.Count(o => o.Status == "succeeded");
        result.Add("results", outcomes.Count, "tasks");
        result.Add("succeeded", succeeded, "tasks");
        result.Add("tasks_failed", tasks - succeeded, "tasks", "= 0", succeeded == tasks);
        if (tasks - outcomes.Count > 0)
        {
            result.Notes.Add($"{tasks - outcomes.Count} task(s) had no result.json by the deadline");
        }

        if (deployment.EventSourceErrors is { } errors)
        {
            result.Notes.Add(errors.Length > 600 ? errors[..600] + "…" : errors);
        }

        if (outcomes.Count > 0)
        {
            result.Add("wall", (outcomes.Max(o => o.CompletedAt) - outcomes.Min(o => o.CreatedAt)).TotalSeconds, "s");
        }
    }

    private static void AddCalls(ScenarioResult result, IReadOnlyDictionary<string, long> calls, PoolDeployment deployment, int tasks)
    {
        long Sum(string service) => calls.Where(c => c.Key.StartsWith(service + " ", StringComparison.Ordinal)).Sum(c => c.Value);
        result.Add("registry_calls_per_task", Sum("dynamodb") / (double)tasks, "calls");
        result.Add("sqs_calls_per_task", Sum("sqs") / (double)tasks, "calls");
        result.Add("s3_calls_per_task", Sum("s3") / (double)tasks, "calls");
        result.Add("dispatcher_invocations_per_task", deployment.Dispatcher.Invocations / (double)tasks, "invocations");
        result.Add("server_registry_calls", deployment.Stack.Servers.Count("dynamodb"), "calls");
        result.Add("aws_call_p50", deployment.Stack.Functions.MedianMilliseconds(), "ms");
        result.Add("registry_call_p50", deployment.Stack.Functions.MedianMilliseconds(c => c.StartsWith("dynamodb ", StringComparison.Ordinal)), "ms");
        result.Parameters["calls"] = string.Join(", ", calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
    }
}
