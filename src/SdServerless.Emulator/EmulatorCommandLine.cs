using System.CommandLine;
using System.Globalization;

namespace SdServerless.Emulator;

/// <summary>
/// The emulator's options (the local host's --emulator-only mode, the benchmarks' emulator-server mode) on a command,
/// in the style of <see cref="CommandLineParsing"/>.
/// </summary>
public sealed class EmulatorCommandLine
{
    /// <summary>Where the emulator listens without --urls: SD Web UI's usual API port, on loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7861";

    private readonly Option<string> _url = CommandLineParsing.Text(
        "--urls", "URL", "where it listens (SD Web UI's --nowebui port)", DefaultUrl);

    private readonly Option<int> _workers = CommandLineParsing.WholeNumber(
        "--emulator-workers", "N", "emulated GPUs, each serving one request at a time", min: 1, defaultValue: 1);

    private readonly Option<double> _delayMs = Milliseconds("--emulator-delay-ms", "emulated GPU time per image", 0);

    private readonly Option<IList<string>> _models = CommandLineParsing.Value<IList<string>>(
        "--models", "A,B", "checkpoint names served, comma-separated", ReadModels,
        "checkpoint names separated by commas", [EmulatorOptions.DefaultModel]);

    private readonly Option<double> _modelSwitchMs = Milliseconds(
        "--model-switch-ms", "time to load another checkpoint", 2000);

    private readonly Option<int> _noiseBits = CommandLineParsing.WholeNumber(
        "--emulator-noise-bits", "N", "random low bits per colour byte: 1 makes PNGs as large as SD Web UI's (about 1.6 MB at 1024x1024)",
        min: 0, defaultValue: 0, max: 8);

    private readonly Option<string> _apiAuth = CommandLineParsing.Value(
        "--api-auth", "USER:PASSWORD", "HTTP Basic on every /sdapi route, as SD Web UI's --api-auth",
        static (string text, out string value) =>
        {
            value = text;
            return text.IndexOf(':', StringComparison.Ordinal) > 0;
        }, "USER:PASSWORD", secret: true);

    // The local host hands its whole command line over, --emulator-only included.
    private readonly Option<bool> _emulatorOnly = new("--emulator-only") { Arity = ArgumentArity.Zero, Hidden = true };

    /// <summary>Adds the emulator's options to <paramref name="command"/>, whose action runs <paramref name="run"/>.</summary>
    public EmulatorCommandLine(Command command, Func<EmulatorOptions, string, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(run);
        _models.Aliases.Add("--emulator-models");
        _modelSwitchMs.Aliases.Add("--emulator-model-switch-ms");
        foreach (var option in new Option[] { _url, _workers, _delayMs, _models, _modelSwitchMs, _noiseBits, _apiAuth, _emulatorOnly })
        {
            command.Options.Add(option);
        }

        Command = command;
        command.SetAction((result, cancellationToken) => run(Options(result), result.GetRequiredValue(_url), cancellationToken));
    }

    /// <summary>The command the options were added to, ready to parse and invoke.</summary>
    public Command Command { get; }

    /// <summary>The emulator on its own: the root command of <see cref="SdWebUiEmulator.RunAsync(string[], CancellationToken)"/>.</summary>
    public static EmulatorCommandLine CreateRoot(Func<EmulatorOptions, string, CancellationToken, Task<int>> run) =>
        new(CommandLineParsing.Root("SD Web UI emulator: placeholder images, not Stable Diffusion."), run);

    /// <summary>Parses without running: the options and URL, or every problem in one message.</summary>
    internal static bool TryParse(IReadOnlyList<string> args, out EmulatorOptions options, out string url, out string error)
    {
        var commandLine = CreateRoot((_, _, _) => Task.FromResult(0));
        var result = CommandLineParsing.Parse(commandLine.Command, args, out var errors);
        error = string.Join(Environment.NewLine, errors);
        if (errors.Count > 0)
        {
            options = new EmulatorOptions();
            url = DefaultUrl;
            return false;
        }

        options = commandLine.Options(result);
        url = result.GetRequiredValue(commandLine._url);
        return true;
    }

    private EmulatorOptions Options(ParseResult result) => new()
    {
        Workers = result.GetValue(_workers),
        DelayPerImage = TimeSpan.FromMilliseconds(result.GetValue(_delayMs)),
        Models = [.. result.GetRequiredValue(_models)],
        ModelSwitchDelay = TimeSpan.FromMilliseconds(result.GetValue(_modelSwitchMs)),
        ImageNoiseBits = result.GetValue(_noiseBits),
        ApiAuth = result.GetValue(_apiAuth),
    };

    private static Option<double> Milliseconds(string name, string description, double defaultValue) =>
        CommandLineParsing.Value(name, "MS", description, static (string text, out double value) =>
            double.TryParse(text, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && value >= 0,
            "a number of milliseconds of at least 0", defaultValue);

    private static bool ReadModels(string text, out IList<string> value)
    {
        value = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return value.Count > 0;
    }
}
