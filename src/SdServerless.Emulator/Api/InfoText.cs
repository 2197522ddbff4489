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
        var info = new GenerationInfo
        {
            Prompt = prompt,
            AllPrompts = Enumerable.Repeat(prompt, imageCount).ToList(),
            NegativePrompt = negative,
            AllNegativePrompts = Enumerable.Repeat(negative, imageCount).ToList(),
            Seed = plan.Seed,
            AllSeeds = plan.Seeds.Take(imageCount).ToList(),
            Subseed = plan.Subseed,
            AllSubseeds = plan.Subseeds.Take(imageCount).ToList(),
            SubseedStrength = request.Float("subseed_strength", 0),
            Width = plan.Width,
            Height = plan.Height,
            SamplerName = plan.Sampler,
            CfgScale = plan.CfgScale,
            Steps = plan.Steps,
            BatchSize = plan.BatchSize,
            RestoreFaces = request.Bool("restore_faces", false),
            SdModelName = plan.Model.ModelName,
            SdModelHash = plan.Model.Hash,
            SeedResizeFromW = request.Int("seed_resize_from_w", -1),
            SeedResizeFromH = request.Int("seed_resize_from_h", -1),
            DenoisingStrength = request["denoising_strength"] is double strength ? strength : null,
            ExtraGenerationParams = new ExtraGenerationParams(plan.Scheduler),
            IndexOfFirstImage = indexOfFirstImage,
            Infotexts = infotexts,
            Styles = request.StrList("styles") ?? [],
            JobTimestamp = DateTime.Now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture),
        };
        return JsonSerializer.Serialize(info, EmulatorJsonContext.Default.GenerationInfo);
    }

    private static string Number(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);
}
