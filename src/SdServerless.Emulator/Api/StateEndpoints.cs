using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SdServerless.Emulator.Api;

/// <summary>
/// The endpoints that read or change server state: sd-models, refresh-checkpoints, options, progress, interrupt, and
/// the emulator's GPUs.
/// </summary>
internal static class StateEndpoints
{
    public static Task SdModelsAsync(HttpContext context, SdWebUiEmulator emulator) =>
        SdResponses.WriteJsonAsync(context, 200,
            [.. emulator.Models.Select(model => new SdModelBody(model.Title, model.ModelName, model.Hash, model.Sha256, model.Filename))],
            EmulatorJsonContext.Default.ListSdModelBody);

    /// <summary>Re-reads the checkpoint folder once the queue lets it (it waits for a GPU like a generation).</summary>
    public static async Task RefreshCheckpointsAsync(HttpContext context, SdWebUiEmulator emulator)
    {
        await emulator.RefreshCheckpointsAsync();
        await SdResponses.WriteJsonAsync(context, 200, writer => writer.WriteNullValue());
    }

    public static Task GetOptionsAsync(HttpContext context, SdWebUiEmulator emulator) =>
        SdResponses.WriteJsonAsync(context, 200, writer => emulator.Settings.WriteTo(writer, emulator.Gpus[0].LoadedModel));

    /// <summary>
    /// Sets options as SD Web UI's set_config does: an unknown checkpoint fails the whole request (500 RuntimeError),
    /// then each key goes through opts.set (unknown key: 500 KeyError; with --freeze-settings: 500 AssertionError).
    /// </summary>
    public static async Task SetOptionsAsync(HttpContext context, SdWebUiEmulator emulator)
    {
        using var body = await SdResponses.ReadBodyAsync(context);
        if (body is null)
        {
            return;
        }

        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            await SdResponses.WriteValidationAsync(context, [new ValidationIssue([], "value is not a valid dict", "type_error.dict")]);
            return;
        }

        EmulatorModel? checkpoint = null;
        if (root.TryGetProperty("sd_model_checkpoint", out var requested) && requested.ValueKind != JsonValueKind.Null)
        {
            var name = requested.ValueKind == JsonValueKind.String ? requested.GetString()! : requested.GetRawText();
            checkpoint = emulator.FindModel(name);
            if (checkpoint is null)
            {
                await SdResponses.WriteErrorAsync(context, 500, "RuntimeError", "", $"model '{name}' not found");
                return;
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            var current = emulator.Settings.Get(property.Name);
            if (property.Value.ValueKind == JsonValueKind.Null && current is null)
            {
                continue;
            }

            if (!emulator.Options.OptionKeys.Contains(property.Name, StringComparer.Ordinal))
            {
                await SdResponses.WriteErrorAsync(context, SdError.Exception("KeyError", $"'{property.Name}'"));
                return;
            }

            if (emulator.Options.FreezeSettings && !(current is { } value && JsonElement.DeepEquals(value, property.Value)))
            {
                await SdResponses.WriteErrorAsync(context, SdError.Exception("AssertionError", "changing settings is disabled"));
                return;
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("sd_model_checkpoint" or "sd_checkpoint_hash"))
            {
                emulator.Settings.Set(property.Name, property.Value);
            }
        }

        if (checkpoint is not null)
        {
            // SD Web UI loads a checkpoint set here at once, which hashes it; the emulated GPUs load it on their next request.
            checkpoint.MarkHashed();
            emulator.Settings.Checkpoint = checkpoint;
        }

        await SdResponses.WriteJsonAsync(context, 200, writer => writer.WriteNullValue());
    }

    public static Task ProgressAsync(HttpContext context, SdWebUiEmulator emulator)
    {
        var (job, count) = emulator.Snapshot();
        var state = new ProgressState
        {
            Interrupted = job?.Interrupted ?? false,
            Job = job?.Name ?? "",
            JobCount = count,
            JobTimestamp = job?.Timestamp ?? "0",
            SamplingStep = job is null ? 0 : (int)(job.Progress * job.Steps),
            SamplingSteps = job?.Steps ?? 0,
        };
        return SdResponses.WriteJsonAsync(context, 200, new ProgressBody(job?.Progress ?? 0, job?.Remaining.TotalSeconds ?? 0, state),
            EmulatorJsonContext.Default.ProgressBody);
    }

    public static Task InterruptAsync(HttpContext context, SdWebUiEmulator emulator)
    {
        emulator.Interrupt();
        return SdResponses.WriteJsonAsync(context, 200, new EmptyBody(), EmulatorJsonContext.Default.EmptyBody);
    }

    /// <summary>Not part of SD Web UI: each emulated GPU's loaded checkpoint and counters, for tests and benchmarks.</summary>
    public static Task GpusAsync(HttpContext context, SdWebUiEmulator emulator) =>
        SdResponses.WriteJsonAsync(context, 200,
            new GpusBody(emulator.QueueLength, emulator.PeakBusyGpus, [.. emulator.Gpus.Select(gpu => new GpuBody(
                gpu.Index, gpu.LoadedModel.Title, gpu.IsBusy, gpu.RequestCount, gpu.ModelSwitches, gpu.BusyTime.TotalMilliseconds, gpu.PeakConcurrency))]),
            EmulatorJsonContext.Default.GpusBody);
}
