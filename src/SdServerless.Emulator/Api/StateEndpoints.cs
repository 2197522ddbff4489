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
        SdResponses.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartArray();
            foreach (var model in emulator.Models)
            {
                writer.WriteStartObject();
                writer.WriteString("title", model.Title);
                writer.WriteString("model_name", model.ModelName);
                // null until the file has been hashed (when first loaded).
                writer.WriteString("hash", model.Hash);
                writer.WriteString("sha256", model.Sha256);
                writer.WriteString("filename", model.Filename);
                writer.WriteNull("config");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });

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
        return SdResponses.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("progress", job?.Progress ?? 0);
            writer.WriteNumber("eta_relative", job?.Remaining.TotalSeconds ?? 0);
            writer.WriteStartObject("state");
            writer.WriteBoolean("skipped", false);
            writer.WriteBoolean("interrupted", job?.Interrupted ?? false);
            writer.WriteBoolean("stopping_generation", false);
            writer.WriteString("job", job?.Name ?? "");
            writer.WriteNumber("job_count", count);
            writer.WriteString("job_timestamp", job?.Timestamp ?? "0");
            writer.WriteNumber("job_no", 0);
            writer.WriteNumber("sampling_step", job is null ? 0 : (int)(job.Progress * job.Steps));
            writer.WriteNumber("sampling_steps", job?.Steps ?? 0);
            writer.WriteEndObject();
            writer.WriteNull("current_image");
            writer.WriteNull("textinfo");
            writer.WriteEndObject();
        });
    }

    public static Task InterruptAsync(HttpContext context, SdWebUiEmulator emulator)
    {
        emulator.Interrupt();
        return SdResponses.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>Not part of SD Web UI: each emulated GPU's loaded checkpoint and counters, for tests and benchmarks.</summary>
    public static Task GpusAsync(HttpContext context, SdWebUiEmulator emulator) =>
        SdResponses.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("queue_length", emulator.QueueLength);
            writer.WriteNumber("peak_busy_gpus", emulator.PeakBusyGpus);
            writer.WriteStartArray("gpus");
            foreach (var gpu in emulator.Gpus)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", gpu.Index);
                writer.WriteString("loaded_model", gpu.LoadedModel.Title);
                writer.WriteBoolean("busy", gpu.IsBusy);
                writer.WriteNumber("requests", gpu.RequestCount);
                writer.WriteNumber("model_switches", gpu.ModelSwitches);
                writer.WriteNumber("busy_ms", gpu.BusyTime.TotalMilliseconds);
                writer.WriteNumber("peak_concurrency", gpu.PeakConcurrency);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
}
