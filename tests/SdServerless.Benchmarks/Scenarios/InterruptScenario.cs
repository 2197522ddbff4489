namespace SdServerless.Benchmarks.Scenarios;

/// <summary>
/// A generation past its deadline must not keep the GPU: the dispatcher interrupts the server (only when its own
/// request is the one running), and the next task starts then, not when the abandoned job would have ended. One GPU
/// (the emulator in a child process, 1 s per image), a generation deadline of 2 s and one attempt: task A asks for 8
/// images (8 s of GPU), task B for one, sent right after A and waiting behind it at the server.
/// Figures: when B finished after A was created, against when A's job would have ended without the interrupt (8 s)
/// plus B's own second; the GPU time the interrupt gave back.
/// </summary>
public static class InterruptScenario
{
    public sealed record Settings(int MsPerImage = 1000, int LongImages = 8, int DeadlineSeconds = 2, int Rounds = 3);

    public static async Task<ScenarioResult> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var emulator = await EmulatorProcess.StartAsync(1, settings.MsPerImage, 0, cancellationToken);
        await using var host = await BenchmarkHost.StartAsync(options =>
        {
            options.SdWebUiEndpoints.Add(emulator.Url);
            options.TaskTimeoutSeconds = settings.DeadlineSeconds;
            options.MaxAttempts = 1;
        });
        using var client = new TaskClient(host);

        var finishedAfter = new List<double>();
        var longStatuses = new List<string>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var longTask = new TaskSpec($"long-{round}", 10 + round, BatchSize: settings.LongImages);
            var next = new TaskSpec($"next-{round}", 100 + round);
            await client.SubmitAsync(longTask.ToV1Alpha2Body(), cancellationToken);
            await client.SubmitAsync(next.ToV1Alpha2Body(), cancellationToken);
            var outcomes = await client.WaitForAllAsync([longTask, next], TimeSpan.FromMinutes(1), cancellationToken);
            if (outcomes.Count != 2)
            {
                throw new InvalidOperationException($"round {round}: {outcomes.Count} of 2 tasks finished within a minute");
            }

            var a = outcomes.Single(o => o.Spec == longTask);
            var b = outcomes.Single(o => o.Spec == next);
            if (b.Status != "succeeded")
            {
                throw new InvalidOperationException($"round {round}: the task after the abandoned one ended {b.Status}");
            }

            longStatuses.Add(a.Status);
            finishedAfter.Add((b.CompletedAt - a.CreatedAt).TotalSeconds);
        }

        var withoutInterrupt = (settings.LongImages + 1) * settings.MsPerImage / 1000.0;
        var result = new ScenarioResult("interrupt", $"1 GPU, deadline {settings.DeadlineSeconds} s");
        result.Parameters["ms_per_image"] = settings.MsPerImage.ToString(CultureInfo.InvariantCulture);
        result.Parameters["long_task_images"] = settings.LongImages.ToString(CultureInfo.InvariantCulture);
        result.Parameters["rounds"] = settings.Rounds.ToString(CultureInfo.InvariantCulture);
        result.Parameters["long_task_statuses"] = string.Join(", ", longStatuses);
        var worst = finishedAfter.Max();
        result.Add("next_task_done_after_long_created_max", worst, "s", $"< {withoutInterrupt:0.#} (no interrupt)", worst < withoutInterrupt);
        result.Add("next_task_done_after_long_created_min", finishedAfter.Min(), "s");
        result.Add("gpu_time_given_back", withoutInterrupt - worst, "s");
        return result;
    }
}
