using System.Collections.Frozen;
using System.Reflection;

namespace SdServerless.Core.SdWebUi;

/// <summary>
/// What a Stable Diffusion Web UI 1.10 server without extensions knows: its settings keys (the keys override_settings
/// may name) and its always-on scripts. Shipped as data files; a runtime lists its own when its servers differ.
/// </summary>
public static class SdWebUiDefaults
{
    /// <summary>The settings keys of SD Web UI 1.10: what override_settings may name when a runtime lists none of its own.</summary>
    public static FrozenSet<string> OptionKeys { get; } = Read("sdwebui-1.10-option-keys.txt").ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Titles of SD Web UI 1.10's built-in always-on scripts: what alwayson_scripts may name when a runtime lists none.</summary>
    public static IReadOnlyList<string> AlwaysOnScripts { get; } = Read("sdwebui-1.10-alwayson-scripts.txt");

    /// <summary>The lines of an embedded data file, without comments and blank lines.</summary>
    private static string[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SdServerless.Core.SdWebUi.Data." + name)
            ?? throw new InvalidOperationException($"The data file {name} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }
}
