using System.Text.Json;

namespace SdServerless.Emulator.Api;

/// <summary>
/// Turns a bound txt2img/img2img request into a <see cref="GenerationPlan"/> with SD Web UI's rules: sizes floored
/// to multiples of 8, seed -1 drawn at random, seeds counting up per image, unknown samplers replaced by DPM++ 2M,
/// an unknown checkpoint override silently ignored. Requests no GPU could hold fail as SD Web UI's would.
/// </summary>
internal static class GenerationPlanner
{
    private static readonly string[] Samplers =
    [
        "DPM++ 2M", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 2M SDE Heun", "DPM++ 2S a", "DPM++ 3M SDE", "Euler a", "Euler",
        "LMS", "Heun", "DPM2", "DPM2 a", "DPM fast", "DPM adaptive", "Restart", "DDIM", "DDIM CFG++", "PLMS", "UniPC", "LCM",
    ];

    /// <summary>The plan, or null with <paramref name="failure"/> set to the 500 error (type, message) to answer.</summary>
    public static GenerationPlan? Plan(string job, BoundRequest request, SdWebUiEmulator emulator, out (string Error, string Message) failure)
    {
        failure = default;
        var options = emulator.Options;
        var width = (int)Math.Clamp(request.Int("width", 512), int.MinValue, int.MaxValue) / 8 * 8;
        var height = (int)Math.Clamp(request.Int("height", 512), int.MinValue, int.MaxValue) / 8 * 8;
        var batchSize = request.Int("batch_size", 1);

        // img2img with 2..batch_size init images makes one image per input.
        if (job == "img2img" && request.StrList("init_images") is { Count: > 1 } inputs && inputs.Count <= batchSize)
        {
            batchSize = inputs.Count;
        }

        var iterations = request.Int("n_iter", 1);
        if (width < 8 || height < 8 || batchSize < 1 || iterations < 1)
        {
            failure = ("RuntimeError", $"cannot generate {batchSize} x {iterations} image(s) of {width}x{height} (emulated)");
            return null;
        }

        if (width > options.MaxImageSide || height > options.MaxImageSide || batchSize > options.MaxImagesPerRequest
            || iterations > options.MaxImagesPerRequest || batchSize * iterations > options.MaxImagesPerRequest)
        {
            failure = ("OutOfMemoryError", $"CUDA out of memory: {batchSize * iterations} image(s) of {width}x{height} (emulated)");
            return null;
        }

        var count = (int)(batchSize * iterations);
        var seed = request.Int("seed", -1) is var s && s == -1 ? Random.Shared.NextInt64(0, 4294967294) : s;
        var subseed = request.Int("subseed", -1) is var u && u == -1 ? Random.Shared.NextInt64(0, 4294967294) : u;
        var strength = request.Float("subseed_strength", 0);
        var seeds = Enumerable.Range(0, count).Select(i => seed + (strength == 0 ? i : 0)).ToArray();
        var subseeds = Enumerable.Range(0, count).Select(i => subseed + i).ToArray();

        var requested = request.Str("sampler_name") ?? request.Str("sampler_index") ?? "Euler";
        var sampler = Samplers.FirstOrDefault(name => string.Equals(name, requested, StringComparison.OrdinalIgnoreCase)) ?? "DPM++ 2M";
        var scheduler = request.Str("scheduler") is { Length: > 0 } named ? named : "Automatic";

        return new GenerationPlan(job, request, width, height, (int)batchSize, (int)iterations,
            (int)Math.Clamp(request.Int("steps", 50), 0, int.MaxValue), request.Float("cfg_scale", 7.0), sampler, scheduler,
            seed, subseed, seeds, subseeds, Checkpoint(request, emulator));
    }

    /// <summary>
    /// The override's checkpoint when it is an exact alias of a listed one (kept as the default when the request asks
    /// not to restore settings), else the /options checkpoint, which is then loaded again if another one is: SD Web UI
    /// drops an override naming no alias without a word.
    /// </summary>
    private static EmulatorModel Checkpoint(BoundRequest request, SdWebUiEmulator emulator)
    {
        if (request.Element("override_settings") is { ValueKind: JsonValueKind.Object } overrides
            && overrides.TryGetProperty("sd_model_checkpoint", out var name)
            && name.ValueKind == JsonValueKind.String
            && emulator.FindModel(name.GetString()) is { } model)
        {
            if (!request.Bool("override_settings_restore_afterwards", true))
            {
                emulator.Settings.Checkpoint = model;
            }

            return model;
        }

        return emulator.Settings.Checkpoint;
    }
}
