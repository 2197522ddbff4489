namespace SdServerless.Benchmarks.Scenarios;

/// <summary>
/// One big task at a time (batch_size 8 at 1024×1024) with the emulator in a child process, so that this process holds
/// only the control plane (API, dispatcher, storage, callback trigger). Per task it measures:
/// <list type="bullet">
/// <item>allocated: <see cref="GC.GetTotalAllocatedBytes"/> (precise) after − before: every byte the control plane
/// allocated for the task, garbage included; an upper bound of the memory the task ever held;</item>
/// <item>heap peak: the largest <see cref="GC.GetTotalMemory"/> seen (sampled every millisecond) − the heap after a full
/// collection before the task: what the task added to the managed heap at its worst, garbage not yet collected
/// included;</item>
/// <item>image bytes: the PNG files written for the task.</item>
/// </list>
/// Goal: heap peak ≤ 3 × image bytes. The emulator adds a random low bit to every colour byte so that its PNGs are
/// as large as SD Web UI's (about 1.6 MB at 1024×1024, 13 MB per task) instead of flat placeholders of tens of KB,
/// next to which the control plane's fixed buffers would dominate the ratio.
/// </summary>
public static class LargeOutputScenario
{
    public sealed record Settings(int Tasks, int BatchSize = 8, int Side = 1024, int NoiseBits = 1);

    public static async Task<ScenarioResult> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var emulator = await EmulatorProcess.StartAsync(1, 0, settings.NoiseBits, cancellationToken);
        await using var host = await BenchmarkHost.StartAsync(options => options.SdWebUiEndpoints.Add(emulator.Url));
        using var client = new TaskClient(host);

        // The first task pays for JIT and pools; it is not measured.
        await RunOneAsync(client, new TaskSpec("warmup", 999_999, settings.Side, settings.Side, settings.BatchSize), cancellationToken);

        var samples = new List<(double Allocated, double HeapPeak, double ImageBytes)>();
        for (var i = 0; i < settings.Tasks; i++)
        {
            var spec = new TaskSpec($"large-{i}", 1 + i, settings.Side, settings.Side, settings.BatchSize);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            using var sampler = new HeapSampler();
            var outcome = await RunOneAsync(client, spec, cancellationToken);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var peak = sampler.Stop();
            if (outcome.Status != "succeeded" || outcome.Images != settings.BatchSize)
            {
                throw new InvalidOperationException($"task {spec.Id} ended {outcome.Status} with {outcome.Images} images");
            }

            var imageBytes = Directory.GetFiles(Path.GetDirectoryName(host.ObjectPath(spec.ResultKey))!, "*.png").Sum(f => new FileInfo(f).Length);
            samples.Add((allocated, Math.Max(0, peak - baseline), imageBytes));
        }

        var result = new ScenarioResult("large-outputs", $"batch {settings.BatchSize} at {settings.Side}x{settings.Side}");
        result.Parameters["tasks_measured"] = settings.Tasks.ToString(CultureInfo.InvariantCulture);
        result.Parameters["batch_size"] = settings.BatchSize.ToString(CultureInfo.InvariantCulture);
        result.Parameters["image_size"] = $"{settings.Side}x{settings.Side}";
        result.Parameters["emulator_noise_bits"] = settings.NoiseBits.ToString(CultureInfo.InvariantCulture);
        var worst = samples.MaxBy(s => s.HeapPeak / s.ImageBytes);
        const double MiB = 1024 * 1024;
        result.Add("image_bytes_per_task", worst.ImageBytes / MiB, "MiB");
        result.Add("allocated_per_task", samples.Max(s => s.Allocated) / MiB, "MiB");
        result.Add("heap_peak_per_task", worst.HeapPeak / MiB, "MiB");
        var ratio = worst.HeapPeak / worst.ImageBytes;
        result.Add("heap_peak_over_image_bytes", ratio, "×", "≤ 3", ratio <= 3);
        result.Add("allocated_over_image_bytes", samples.Max(s => s.Allocated / s.ImageBytes), "×");
        return result;
    }

    private static async Task<TaskOutcome> RunOneAsync(TaskClient client, TaskSpec spec, CancellationToken cancellationToken)
    {
        await client.SubmitAsync(spec.ToV1Alpha2Body(), cancellationToken);
        var outcomes = await client.WaitForAllAsync([spec], TimeSpan.FromMinutes(2), cancellationToken);
        return outcomes[0];
    }
}
