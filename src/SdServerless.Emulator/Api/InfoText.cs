using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SdServerless.Emulator.Api;

/// <summary>SD Web UI's per-image "infotext" and the "info" JSON string (Processed.js()) of a response.</summary>
internal static class InfoText
{
    public const string Version = "SdServerless emulator (placeholder images, not Stable Diffusion)";

    public static string For(GenerationPlan plan, int index)
    {
        var text = new StringBuilder(plan.Request.Str("prompt") ?? "");
        if (plan.Request.Str("negative_prompt") is { Length: > 0 } negative)
        {
            text.Append("\nNegative prompt: ").Append(negative);
        }

        text.Append(CultureInfo.InvariantCulture,
            $"\nSteps: {plan.Steps}, Sampler: {plan.Sampler}, Schedule type: {plan.Scheduler}, CFG scale: {Number(plan.CfgScale)}, ");
        text.Append(CultureInfo.InvariantCulture,
            $"Seed: {plan.Seeds[index]}, Size: {plan.Width}x{plan.Height}, Model hash: {plan.Model.Hash}, Model: {plan.Model.ModelName}, ");
        if (plan.IsImg2Img)
        {
            text.Append(CultureInfo.InvariantCulture, $"Denoising strength: {Number(plan.Request.Float("denoising_strength", 0.75))}, ");
        }

        return text.Append("Version: ").Append(Version).ToString();
    }

    public static string Json(GenerationPlan plan, IReadOnlyList<string> infotexts, int imageCount, int indexOfFirstImage)
    {
        var request = plan.Request;
        var prompt = request.Str("prompt") ?? "";
        var negative = request.Str("negative_prompt") ?? "";
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("prompt", prompt);
            WriteRepeated(writer, "all_prompts", prompt, imageCount);
            writer.WriteString("negative_prompt", negative);
            WriteRepeated(writer, "all_negative_prompts", negative, imageCount);
            writer.WriteNumber("seed", plan.Seed);
            WriteNumbers(writer, "all_seeds", plan.Seeds.Take(imageCount));
            writer.WriteNumber("subseed", plan.Subseed);
            WriteNumbers(writer, "all_subseeds", plan.Subseeds.Take(imageCount));
            writer.WriteNumber("subseed_strength", request.Float("subseed_strength", 0));
            writer.WriteNumber("width", plan.Width);
            writer.WriteNumber("height", plan.Height);
            writer.WriteString("sampler_name", plan.Sampler);
            writer.WriteNumber("cfg_scale", plan.CfgScale);
            writer.WriteNumber("steps", plan.Steps);
            writer.WriteNumber("batch_size", plan.BatchSize);
            writer.WriteBoolean("restore_faces", request.Bool("restore_faces", false));
            writer.WriteNull("face_restoration_model");
            writer.WriteString("sd_model_name", plan.Model.ModelName);
            writer.WriteString("sd_model_hash", plan.Model.Hash);
            writer.WriteNull("sd_vae_name");
            writer.WriteNull("sd_vae_hash");
            writer.WriteNumber("seed_resize_from_w", request.Int("seed_resize_from_w", -1));
            writer.WriteNumber("seed_resize_from_h", request.Int("seed_resize_from_h", -1));
            writer.WritePropertyName("denoising_strength");
            BoundRequest.WriteValue(writer, request["denoising_strength"]);
            writer.WriteStartObject("extra_generation_params");
            writer.WriteString("Schedule type", plan.Scheduler);
            writer.WriteEndObject();
            writer.WriteNumber("index_of_first_image", indexOfFirstImage);
            writer.WriteStartArray("infotexts");
            foreach (var infotext in infotexts)
            {
                writer.WriteStringValue(infotext);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("styles");
            BoundRequest.WriteValue(writer, request["styles"] ?? Array.Empty<string>());
            writer.WriteString("job_timestamp", DateTime.Now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
            writer.WriteNumber("clip_skip", 1);
            writer.WriteBoolean("is_using_inpainting_conditioning", false);
            writer.WriteString("version", Version);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Number(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);

    private static void WriteRepeated(Utf8JsonWriter writer, string name, string value, int count)
    {
        writer.WriteStartArray(name);
        for (var i = 0; i < count; i++)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, IEnumerable<long> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }
}
