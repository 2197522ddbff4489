using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using SdServerless.Core.Tasks;
using SdServerless.Functions.Dispatch;

namespace SdServerless.Benchmarks.Scenarios;

/// <summary>
/// A burst of tasks through the HTTP API onto N emulated GPUs (the local host's built-in emulator, one endpoint of
/// capacity N): throughput, GPU utilisation, and the control plane's own time per task (<see cref="TaskTiming"/>).
/// </summary>
public static class SaturationScenario
{
    /// <param name="RequestsAheadPerSlot">Null: the local host's default (see DispatcherOptions.RequestsAheadPerSlot).</param>
    /// <param name="WarmupTasks">Tasks per warm-up round (see <see cref="WarmUpAsync"/>).</param>
    /// <param name="TimingsCsv">Where to write every task's <see cref="TaskTiming"/> (null: nowhere).</param>
    /// <param name="MinWarmupTasks">
    /// Warm-up tasks before the JIT can count as settled: a method is recompiled at tier 1 after 30 calls, so a
    /// once-per-task method needs 30 tasks.
    /// </param>
    public sealed record Settings(int Gpus, int Tasks, int DelayMs, int WarmupTasks, int Width = 512, int Height = 512, int? RequestsAheadPerSlot = null, string? TimingsCsv = null, int MinWarmupTasks = 40);

    private const int MaxWarmupRounds = 60;
    private const int QuietRounds = 3;

    public static async Task<ScenarioResult> RunAsync(string scenario, Settings settings, CancellationToken cancellationToken)
    {
        await using var host = await BenchmarkHost.StartAsync(
            options =>
            {
                options.EmulatorWorkers = settings.Gpus;
                options.EmulatorDelayMs = settings.DelayMs;
            },
            services =>
            {
                if (settings.RequestsAheadPerSlot is { } ahead)
                {
                    services.Configure<DispatcherOptions>(dispatcher => dispatcher.RequestsAheadPerSlot = ahead);
                }
            });
        using var client = new TaskClient(host);
        var emulator = host.Emulator ?? throw new InvalidOperationException("the saturation scenario needs the built-in emulator");
        var timeout = TimeSpan.FromMilliseconds(settings.DelayMs * (double)settings.Tasks / settings.Gpus * 3) + TimeSpan.FromSeconds(60);

        var warmupTasks = await WarmUpAsync(client, settings, timeout, cancellationToken);

        // The store reports an object once it is in place and flushed: when a task's result becomes readable.
        var visibleAt = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        host.Host.Pipeline.Store.ObjectCreated += (created, _) =>
        {
            if (TaskKeys.IsResult(created.Key))
            {
                visibleAt[created.Key] = DateTimeOffset.UtcNow;
            }

            return Task.CompletedTask;
        };

        var busyBefore = emulator.BusyTime;
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var jitBefore = JitInfo.GetCompilationTime();
        var tasks = Enumerable.Range(0, settings.Tasks).Select(i => Spec($"task-{i:D5}", 1 + i)).ToList();
        var firstSubmit = DateTimeOffset.UtcNow;
        await client.SubmitAllAsync(tasks, cancellationToken);
        var submitted = DateTimeOffset.UtcNow;
        var outcomes = await client.WaitForAllAsync(tasks, timeout, cancellationToken);
        var busy = emulator.BusyTime - busyBefore;
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var jit = JitInfo.GetCompilationTime() - jitBefore;
        var timings = TaskTiming.Join(outcomes, emulator.JobLog, visibleAt);
        if (settings.TimingsCsv is { } csv)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csv))!);
            await File.WriteAllTextAsync(csv, TaskTiming.Csv(timings), cancellationToken);
        }

        var wall = outcomes.Max(o => o.CompletedAt) - firstSubmit;
        var result = new ScenarioResult(scenario, $"{settings.Gpus} GPU(s)");
        result.Parameters["gpus"] = settings.Gpus.ToString(CultureInfo.InvariantCulture);
        result.Parameters["tasks"] = settings.Tasks.ToString(CultureInfo.InvariantCulture);
        result.Parameters["ms_per_image"] = settings.DelayMs.ToString(CultureInfo.InvariantCulture);
        result.Parameters["image_size"] = $"{settings.Width}x{settings.Height}";
        result.Parameters["requests_ahead_per_slot"] = settings.RequestsAheadPerSlot?.ToString(CultureInfo.InvariantCulture) ?? "host default";
        result.Parameters["warmup_tasks"] = warmupTasks.ToString(CultureInfo.InvariantCulture);

        var utilisation = busy / (settings.Gpus * wall) * 100;
        result.Add("succeeded", outcomes.Count(o => o.Status == "succeeded"), "tasks");
        result.Add("retried", outcomes.Count(o => o.Attempts > 1), "tasks");
        result.Add("submit_burst", (submitted - firstSubmit).TotalMilliseconds, "ms");
        result.Add("wall", wall.TotalSeconds, "s");
        result.Add("ideal_wall", settings.Tasks * settings.DelayMs / 1000.0 / settings.Gpus, "s");
        result.Add("throughput", settings.Tasks / wall.TotalSeconds, "tasks/s");
        result.Add("gpu_utilisation", utilisation, "%", "≥ 97", utilisation >= 97);
        var p50 = Ms(t => t.Overhead, 50);
        result.Add("overhead_p50", p50, "ms", "≤ 10", p50 <= 10);
        result.Add("overhead_p95", Ms(t => t.Overhead, 95), "ms");
        var toVisible = Ms(t => t.OverheadToVisible, 50);
        result.Add("overhead_to_visible_p50", toVisible, "ms", "≤ 10", toVisible <= 10);
        result.Add("result_write_p50", Ms(t => t.ResultWrite, 50), "ms");
        result.Add("dispatch_gap_p50", Ms(t => t.DispatchGap, 50), "ms");
        result.Add("dispatch_gap_p95", Ms(t => t.DispatchGap, 95), "ms");
        result.Add("output_time_p50", Ms(t => t.OutputTime, 50), "ms");
        result.Add("output_time_p95", Ms(t => t.OutputTime, 95), "ms");
        result.Add("server_response_p50", Ms(t => t.ServerResponseTime, 50), "ms");
        result.Add("storing_p50", Ms(t => t.StoringTime, 50), "ms");
        result.Add("storing_p95", Ms(t => t.StoringTime, 95), "ms");
        result.Add("queue_wait_p50", Ms(t => t.QueueWait, 50), "ms");
        result.Add("gpu_time_p50", Ms(t => t.GpuTime, 50), "ms");
        result.Add("end_to_end_p50", Ms(t => t.EndToEnd, 50), "ms");
        // CPU of this whole process (API, queue, dispatcher, storage, callback trigger and the emulator's PNG encoding)
        // per task: unlike the times above, it hardly depends on how loaded the shared machine is.
        result.Add("cpu_per_task", cpu.TotalMilliseconds / settings.Tasks, "ms");
        result.Add("end_to_end_p95", Ms(t => t.EndToEnd, 95), "ms");
        // Time the JIT spent compiling during the measured tasks (all threads): near zero once warm-up has done its job.
        result.Add("jit_time", jit.TotalMilliseconds, "ms");
        return result;

        TaskSpec Spec(string id, long seed) => new(id, seed, settings.Width, settings.Height);

        // A percentile of one of the timings, in milliseconds.
        double Ms(Func<TaskTiming, TimeSpan> of, int percentile) => Percentiles.Of([.. timings.Select(t => of(t).TotalMilliseconds)], percentile);
    }

    /// <summary>
    /// Runs unmeasured rounds of <see cref="Settings.WarmupTasks"/> tasks until the JIT has settled or
    /// <see cref="MaxWarmupRounds"/> rounds have run; returns the tasks run. Settled: at least
    /// <see cref="Settings.MinWarmupTasks"/> tasks, and the last <see cref="QuietRounds"/> rounds each spent under 1 %
    /// of their time compiling (tier-1 compilation comes in bursts, so one quiet round proves little).
    /// A fresh process compiles thousands of methods and recompiles the hot ones over its first seconds of work, on
    /// the same cores as everything else; a host that keeps a GPU pool busy for hours does that once, so the measured
    /// tasks start from the state it spends its life in. Connection pools and queue files warm up too.
    /// </summary>
    private static async Task<int> WarmUpAsync(TaskClient client, Settings settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = 0;
        var quiet = 0;
        for (var round = 0; round < MaxWarmupRounds && (done < settings.MinWarmupTasks || quiet < QuietRounds); round++)
        {
            var jitBefore = JitInfo.GetCompilationTime();
            var started = Stopwatch.GetTimestamp();
            var batch = Enumerable.Range(done, settings.WarmupTasks)
                .Select(i => new TaskSpec($"warmup-{i}", 1_000_000 + i, settings.Width, settings.Height))
                .ToList();
            await client.SubmitAllAsync(batch, cancellationToken);
            await client.WaitForAllAsync(batch, timeout, cancellationToken);
            done += batch.Count;
            quiet = JitInfo.GetCompilationTime() - jitBefore < Stopwatch.GetElapsedTime(started) * 0.01 ? quiet + 1 : 0;
        }

        return done;
    }
}
