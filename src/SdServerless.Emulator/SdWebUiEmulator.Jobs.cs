using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SdServerless.Emulator.Gpus;

namespace SdServerless.Emulator;

public sealed partial class SdWebUiEmulator
{
    /// <summary>
    /// Waits for a GPU in arrival order, loads the work's checkpoint if another one is loaded, then "generates" for
    /// DelayPerImage × images. As on a real server, a client that disconnects does not free the GPU early;
    /// /sdapi/v1/interrupt ends the current iteration and skips the rest.
    /// </summary>
    internal async Task<GpuOutcome> RunAsync(GpuWork work)
    {
        var gpu = await _pool.AcquireAsync(work.Model, ShutdownToken);
        var perIteration = Options.DelayPerImage * work.ImagesPerIteration;
        var switching = work.Model is not null && gpu.LoadedModel != work.Model;
        var expected = perIteration * work.Iterations + (switching ? Options.ModelSwitchDelay : TimeSpan.Zero);
        using var job = new GpuJob(work.Name, gpu, expected, work.Steps, ShutdownToken);
        var startedAt = DateTimeOffset.UtcNow;

        // The job's length comes from the monotonic clock that also times its delays: the wall clock may be slewed.
        var started = Stopwatch.GetTimestamp();
        var completed = 0;
        int? logIndex = null;
        EmulatorModel loaded;
        gpu.Start();
        lock (_jobsGate)
        {
            _jobs.Add(job);
        }

        try
        {
            var samplingStart = TimeSpan.Zero;
            if (switching)
            {
                LogSwitch(Logger, gpu.Index, gpu.LoadedModel.Name, work.Model!.Name);
                await DelayUntilAsync(started, Options.ModelSwitchDelay, ShutdownToken);
                work.Model!.MarkHashed();
                gpu.Load(work.Model);
                samplingStart = Options.ModelSwitchDelay;
            }

            while (completed < work.Iterations && !job.Interrupted)
            {
                try
                {
                    await DelayUntilAsync(started, samplingStart + perIteration * (completed + 1), job.Token);
                }
                catch (OperationCanceledException) when (job.Interrupted && !ShutdownToken.IsCancellationRequested)
                {
                    // SD Web UI still decodes the iteration it was sampling when interrupted.
                }

                completed++;
            }

            // Read before the GPU is released: the next job may load another checkpoint.
            loaded = gpu.LoadedModel;
        }
        finally
        {
            lock (_jobsGate)
            {
                _jobs.Remove(job);
            }

            gpu.Finish();
            if (Options.RecordJobs)
            {
                logIndex = Record(new EmulatorJobRecord(work.Name, gpu.Index, work.Seed, work.Model?.Name, switching,
                    completed * work.ImagesPerIteration, startedAt, startedAt + Stopwatch.GetElapsedTime(started))
                { Interrupted = job.Interrupted });
            }

            _pool.Release(gpu);
        }

        return new GpuOutcome(gpu, loaded, completed, job.Interrupted, logIndex);
    }

    /// <summary>
    /// Waits until <paramref name="due"/> has passed since <paramref name="started"/> on the monotonic clock. Timers
    /// count whole milliseconds of a coarser clock and may fire up to a millisecond early by the monotonic one, so a
    /// job measured with it would come out shorter than configured; what is left is waited for again.
    /// </summary>
    private static async Task DelayUntilAsync(long started, TimeSpan due, CancellationToken cancellationToken)
    {
        for (var left = due - Stopwatch.GetElapsedTime(started); left > TimeSpan.Zero; left = due - Stopwatch.GetElapsedTime(started))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)), cancellationToken);
        }
    }

    /// <summary>
    /// Ends the job's response (the last chunk goes out now, not when the handler returns) and notes the moment in the
    /// job log (see <see cref="EmulatorJobRecord.RespondedAt"/>).
    /// </summary>
    internal async Task CompleteResponseAsync(HttpContext context, GpuOutcome outcome)
    {
        await context.Response.CompleteAsync();
        if (outcome.JobLogIndex is not { } index)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        lock (_jobsGate)
        {
            _jobLog[index] = _jobLog[index] with { RespondedAt = now };
        }
    }

    /// <summary>refresh-checkpoints takes the queue lock: it waits for a GPU in turn, then re-reads the folder.</summary>
    internal async Task RefreshCheckpointsAsync()
    {
        var gpu = await _pool.AcquireAsync(null, ShutdownToken);
        try
        {
            RefreshCheckpoints();
        }
        finally
        {
            _pool.Release(gpu);
        }
    }

    internal int Interrupt()
    {
        Interlocked.Increment(ref _interrupts);
        lock (_jobsGate)
        {
            foreach (var job in _jobs)
            {
                job.Interrupt();
            }

            return _jobs.Count;
        }
    }

    /// <summary>The oldest running job (SD Web UI reports one job), and how many are running or queued.</summary>
    internal (GpuJob? Job, int Count) Snapshot()
    {
        lock (_jobsGate)
        {
            return (_jobs.Count > 0 ? _jobs[0] : null, _jobs.Count + _pool.QueueLength);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Emulated GPU {Gpu} switches checkpoint {From} -> {To}")]
    private static partial void LogSwitch(ILogger logger, int gpu, string from, string to);
}
