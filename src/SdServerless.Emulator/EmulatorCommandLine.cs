using System.Globalization;

namespace SdServerless.Emulator;

/// <summary>Parses the options of <see cref="SdWebUiEmulator.RunAsync"/> (the local host's --emulator-only mode).</summary>
internal static class EmulatorCommandLine
{
    public const string DefaultUrl = "http://127.0.0.1:7861";

    public const string Usage = """
        SD Web UI emulator (placeholder images, not Stable Diffusion). Options:
          --urls URL                where it listens (default http://127.0.0.1:7861, SD Web UI's --nowebui port)
          --emulator-workers N      emulated GPUs, each serving one request at a time (default 1)
          --emulator-delay-ms MS    emulated GPU time per image (default 0)
          --models A,B              checkpoint names served (default v1-5-pruned-emaonly.safetensors);
                                    also --emulator-models
          --model-switch-ms MS      time to load another checkpoint (default 2000); also --emulator-model-switch-ms
          --emulator-noise-bits N   random low bits per colour byte (0-8, default 0): 1 makes PNGs as large as
                                    SD Web UI's (about 1.6 MB at 1024x1024)
          --api-auth USER:PASSWORD  HTTP Basic on every /sdapi route, as SD Web UI's --api-auth
        """;

    public static bool TryParse(IReadOnlyList<string> args, out EmulatorOptions options, out string url, out string error)
    {
        options = new EmulatorOptions();
        url = DefaultUrl;
        error = "";
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--emulator-only")
            {
                continue;
            }

            var equals = name.IndexOf('=', StringComparison.Ordinal);
            string? value = null;
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }

            if (value is null)
            {
                error = $"Option {name} needs a value.";
                return false;
            }

            switch (name)
            {
                case "--urls":
                    url = value;
                    break;
                case "--emulator-workers" when int.TryParse(value, CultureInfo.InvariantCulture, out var workers) && workers >= 1:
                    options.Workers = workers;
                    break;
                case "--emulator-delay-ms" when double.TryParse(value, CultureInfo.InvariantCulture, out var delay) && delay >= 0:
                    options.DelayPerImage = TimeSpan.FromMilliseconds(delay);
                    break;
                case "--model-switch-ms" or "--emulator-model-switch-ms" when double.TryParse(value, CultureInfo.InvariantCulture, out var switchMs) && switchMs >= 0:
                    options.ModelSwitchDelay = TimeSpan.FromMilliseconds(switchMs);
                    break;
                case "--emulator-noise-bits" when int.TryParse(value, CultureInfo.InvariantCulture, out var noise) && noise is >= 0 and <= 8:
                    options.ImageNoiseBits = noise;
                    break;
                case "--api-auth" when value.IndexOf(':', StringComparison.Ordinal) > 0:
                    options.ApiAuth = value;
                    break;
                case "--models" or "--emulator-models" when value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } models:
                    options.Models = models;
                    break;
                case "--urls" or "--emulator-workers" or "--emulator-delay-ms" or "--model-switch-ms" or "--emulator-model-switch-ms"
                    or "--models" or "--emulator-models" or "--emulator-noise-bits" or "--api-auth":
                    // A credential is never echoed, even a malformed one.
                    error = name == "--api-auth" ? "Option --api-auth takes USER:PASSWORD." : $"Option {name} has an invalid value '{value}'.";
                    return false;
                default:
                    error = $"Unknown option {name}.";
                    return false;
            }
        }

        return true;
    }
}
