using System.Reflection;

namespace SdServerless.Emulator;

/// <summary>What a Stable Diffusion Web UI 1.10 server without extensions has installed and knows.</summary>
public static class SdWebUiFacts
{
    /// <summary>The settings keys of /sdapi/v1/options (what override_settings may name).</summary>
    public static IReadOnlyList<string> OptionKeys { get; } = Read("sdwebui-1.10-option-keys.txt");

    /// <summary>Titles of the always-on scripts it ships with.</summary>
    public static IReadOnlyList<string> AlwaysOnScripts { get; } = Read("sdwebui-1.10-alwayson-scripts.txt");

    /// <summary>Titles of the selectable scripts it ships with (script_name; refused in alwayson_scripts).</summary>
    public static IReadOnlyList<string> SelectableScripts { get; } =
    [
        "Prompt matrix", "Prompts from file or textbox", "X/Y/Z plot", "img2img alternative test", "Loopback",
        "Outpainting mk2", "Poor man's outpainting", "SD upscale",
    ];

    /// <summary>Upscaler names of a fresh install (upscaler_1, upscaler_2, hr_upscaler).</summary>
    public static IReadOnlyList<string> Upscalers { get; } =
    [
        "None", "Lanczos", "Nearest", "DAT x2", "DAT x3", "DAT x4", "ESRGAN_4x", "LDSR", "R-ESRGAN 4x+",
        "R-ESRGAN 4x+ Anime6B", "ScuNET", "ScuNET PSNR", "SwinIR 4x",
    ];

    private static string[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SdServerless.Emulator.Data." + name)
            ?? throw new InvalidOperationException($"The data file {name} is not embedded in the emulator.");
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }
}
