using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using SdServerless.Benchmarks.AwsPool;

namespace SdServerless.Benchmarks;

/// <summary>What each mode of this program runs (the tests put recorders in their place).</summary>
public sealed record BenchmarkModes(
    Func<RunOptions, CancellationToken, Task<int>> Scenarios,
    Func<IReadOnlyList<string>, int> BenchmarkDotNet,
    Func<EmulatorOptions, string, CancellationToken, Task<int>> EmulatorServer,
    Func<GpuServerOptions, CancellationToken, Task<int>> PoolGpu);

/// <summary>
/// This program's command line (docs/performance.md), in the style of <see cref="CommandLineParsing"/>: scenario names
/// and their options, or one of the modes <c>bdn</c> (BenchmarkDotNet, every later argument its own),
/// <c>emulator-server</c> and <c>pool-gpu</c> (the child processes the scenarios start).
/// </summary>
public static class BenchmarkCommandLine
{
    public const string EmulatorServerMode = "emulator-server";

    public static RootCommand Create(BenchmarkModes modes)
    {
        ArgumentNullException.ThrowIfNull(modes);
        var scenarios = new Argument<List<string>>("scenario")
        {
            Description = $"{string.Join(", ", RunOptions.Scenarios)} (all: every one, in this order)",
            Arity = ArgumentArity.ZeroOrMore,
            CustomParser = result =>
            {
                var selected = new List<string>();
                foreach (var name in result.Tokens.Select(token => token.Value))
                {
                    if (name == "all")
                    {
                        selected.AddRange(RunOptions.Scenarios);
                    }
                    else if (RunOptions.Scenarios.Contains(name))
                    {
                        selected.Add(name);
                    }
                    else
                    {
                        result.AddError(name.StartsWith('-') ? $"Unknown option {name}." : $"Unknown scenario '{name}': name one of {string.Join(", ", RunOptions.Scenarios)}, or all.");
                    }
                }

                return selected;
            },
        };
        var quick = CommandLineParsing.Flag("--quick", "smaller runs (the whole \"all --quick\" takes a few minutes)");
        var repeat = CommandLineParsing.WholeNumber(
            "--repeat", "N", "run each scenario N times (the table shows every run, to show the spread)", min: 1, defaultValue: 1);
        var requestsAhead = CommandLineParsing.Value<int?>(
            "--requests-ahead", "N",
            "saturation and scaling: requests queued at the server per GPU (default: the local host's, 1; 0 reproduces the dispatcher before that change)",
            static (string text, out int? value) =>
            {
                var ok = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number);
                value = number;
                return ok;
            }, "a whole number of at least 0");
        var imageSide = CommandLineParsing.Value(
            "--image-side", "N",
            "saturation and scaling: width and height of the images (64 shows the control plane's own cost with almost no image bytes to encode, move and store)",
            static (string text, out int value) =>
                int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 64 && value % 8 == 0,
            "a multiple of 8 of at least 64", defaultValue: 512);
        var oneMoto = CommandLineParsing.Flag(
            "--one-moto", "aws-pool: S3, SQS and DynamoDB on one moto_server, as before each got its own (reproduces the figures measured so)");
        var output = CommandLineParsing.Text("--out", "FILE", "where the JSON goes", RunOptions.DefaultOut);

        var root = CommandLineParsing.Root("The benchmarks of docs/performance.md: name the scenarios to run.");
        root.Arguments.Add(scenarios);
        foreach (var option in new Option[] { quick, repeat, requestsAhead, imageSide, oneMoto, output })
        {
            root.Options.Add(option);
        }

        // Every argument after bdn is BenchmarkDotNet's, its --help included: this program's help stays on the root.
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Recursive = false;
        }

        root.Validators.Add(result =>
        {
            if (!result.Children.OfType<CommandResult>().Any() && result.GetResult(scenarios) is not { Tokens.Count: > 0 })
            {
                result.AddError("Name a scenario or all.");
            }
        });
        root.SetAction((result, cancellationToken) => modes.Scenarios(
            new RunOptions
            {
                Selected = result.GetRequiredValue(scenarios),
                Quick = result.GetValue(quick),
                Repeat = result.GetValue(repeat),
                RequestsAhead = result.GetValue(requestsAhead),
                ImageSide = result.GetValue(imageSide),
                OneMoto = result.GetValue(oneMoto),
                Out = result.GetRequiredValue(output),
            },
            cancellationToken));

        root.Subcommands.Add(CommandLineParsing.PassThrough(
            "bdn", "any BenchmarkDotNet class of this assembly, with BenchmarkDotNet's own options (bdn --help lists them), as in: bdn --filter '*Webhook*' --inProcess",
            modes.BenchmarkDotNet));
        root.Subcommands.Add(new EmulatorCommandLine(
            new Command(EmulatorServerMode, "the SD Web UI emulator in a child process of the large-outputs scenario") { new HelpOption() },
            modes.EmulatorServer).Command);
        root.Subcommands.Add(GpuServerOptions.CreateCommand(modes.PoolGpu));
        foreach (var mode in root.Subcommands.Where(mode => mode.TreatUnmatchedTokensAsErrors))
        {
            // A mode is a program of its own: scenarios or their options before it would be ignored without a word.
            mode.Validators.Add(result =>
            {
                if (result.Parent is CommandResult parent && parent.Children.Any(child => child is ArgumentResult { Tokens.Count: > 0 } or OptionResult { Implicit: false }))
                {
                    result.AddError($"{mode.Name} must come first, without scenarios or their options.");
                }
            });
        }

        return root;
    }
}
