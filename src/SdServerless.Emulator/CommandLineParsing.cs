using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SdServerless.Emulator;

/// <summary>
/// The one parsing style of this solution's command lines (the local host, the emulator on its own, the benchmarks),
/// on System.CommandLine: <c>--help</c> prints the options and exits 0; bad arguments are all reported at once, each
/// naming its option, then the options, with exit code 2 and no exception trace. A value option given twice keeps the
/// last value; a value never starts with <c>--</c> (that is a forgotten value); an argument starting with <c>@</c> is a
/// value, not a response file. It lives in the emulator because the emulator is the one library all those programs
/// reference.
/// </summary>
public static class CommandLineParsing
{
    /// <summary>The exit code of a command line that could not be parsed.</summary>
    public const int UsageExitCode = 2;

    private static readonly ParserConfiguration Parser = new() { ResponseFileTokenReplacer = null };

    /// <summary>Reads one value of an option from its text; false when the text is not a value of the option.</summary>
    public delegate bool ValueReader<T>(string text, out T value);

    /// <summary>A root command with --help and no --version (these programs have none to tell).</summary>
    public static RootCommand Root(string description)
    {
        var root = new RootCommand(description);
        foreach (var version in root.Options.OfType<VersionOption>().ToList())
        {
            root.Options.Remove(version);
        }

        return root;
    }

    /// <summary>An option taking any text (which still cannot start with <c>--</c>).</summary>
    public static Option<string> Text(string name, string helpName, string description, string? defaultValue = null) =>
        Value(name, helpName, description, static (string text, out string value) =>
        {
            value = text;
            return true;
        }, "", defaultValue);

    /// <summary>An option taking a whole number (digits only) from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> WholeNumber(string name, string helpName, string description, int min, int defaultValue, int max = int.MaxValue) =>
        Value(name, helpName, description, (string text, out int value) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max,
            max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}", defaultValue);

    /// <summary>
    /// An option taking one value that <paramref name="read"/> checks; a bad value is named with what the option takes
    /// (<paramref name="expected"/>), or, for a <paramref name="secret"/>, not echoed at all.
    /// </summary>
    public static Option<T> Value<T>(
        string name, string helpName, string description, ValueReader<T> read, string expected, T? defaultValue = default, bool secret = false)
    {
        var option = new Option<T>(name)
        {
            HelpName = helpName,
            Description = description,
            // Every occurrence is accepted, the last one wins, as a later argument overrides an earlier one.
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result => Read(name, result, result.Tokens[^1].Value, read, expected, secret),
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }

    /// <summary>An option that may be given several times, one value each time, every value checked.</summary>
    public static Option<List<T>> Repeatable<T>(string name, string helpName, string description, ValueReader<T> read, string expected) =>
        new(name)
        {
            HelpName = helpName,
            Description = description,
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result => [.. result.Tokens.Select(token => Read(name, result, token.Value, read, expected, secret: false)!)],
            DefaultValueFactory = _ => [],
        };

    /// <summary>An option without a value: present or not.</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>
    /// A command that hands every argument after its name, untouched, to another parser (BenchmarkDotNet's, say):
    /// its own --help included. It must be the first argument.
    /// </summary>
    public static Command PassThrough(string name, string description, Func<IReadOnlyList<string>, int> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(result => run([.. result.Tokens.Skip(1).Select(token => token.Value)]));
        return command;
    }

    /// <summary>Parses <paramref name="args"/> and lists every problem in this style's words (empty when there is none).</summary>
    public static ParseResult Parse(Command command, IReadOnlyList<string> args, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(args);

        // Unmatched arguments are reported below, by name. Refusing them only while parsing keeps the help text free of
        // the "additional arguments" that a command accepting them shows.
        var refusing = Commands(command).Where(c => c.TreatUnmatchedTokensAsErrors).ToList();
        ParseResult result;
        try
        {
            refusing.ForEach(c => c.TreatUnmatchedTokensAsErrors = false);
            result = command.Parse(args, Parser);
        }
        finally
        {
            refusing.ForEach(c => c.TreatUnmatchedTokensAsErrors = true);
        }

        var problems = new List<string>();
        foreach (var error in result.Errors)
        {
            problems.Add(error.SymbolResult is OptionResult { Tokens.Count: 0, IdentifierToken: { } given }
                ? NeedsAValue(given.Value)
                : error.Message);
        }

        var innermost = result.CommandResult.Command;
        if (innermost.TreatUnmatchedTokensAsErrors)
        {
            problems.AddRange(result.UnmatchedTokens.Select(token =>
                token.Length > 1 && token[0] == '-' ? $"Unknown option {token}." : $"Unexpected argument '{token}'."));
        }
        else if (result.Tokens.Count == 0 || result.Tokens[0].Type != TokenType.Command || result.Tokens[0].Value != innermost.Name)
        {
            problems.Add($"{innermost.Name} must come first: every argument after it is handed on untouched.");
        }

        errors = [.. problems.Distinct(StringComparer.Ordinal)];
        return result;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command's action: --help prints the options (exit 0); bad arguments
    /// are reported on <paramref name="error"/> (default: standard error) with the options (exit 2). Exceptions of the
    /// action are the caller's, and Ctrl+C is the action's own.
    /// </summary>
    public static async Task<int> InvokeAsync(
        Command command, IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var result = Parse(command, args, out var errors);
        var invocation = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        if (errors.Count > 0 && result.Action is not HelpAction)
        {
            foreach (var problem in errors)
            {
                await invocation.Error.WriteLineAsync($"error: {problem}");
            }

            await invocation.Error.WriteLineAsync();
            WriteHelp(command, result.CommandResult, invocation.Error);
            return UsageExitCode;
        }

        return await result.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>
    /// The help text of the command that <paramref name="result"/> stands for, as --help prints it (for a pass-through
    /// command, its parent's: its own --help is another program's).
    /// </summary>
    private static void WriteHelp(Command root, CommandResult result, TextWriter writer)
    {
        while (!result.Command.TreatUnmatchedTokensAsErrors && result.Parent is CommandResult parentOfPassThrough)
        {
            result = parentOfPassThrough;
        }

        var path = new List<string> { "--help" };
        for (var current = result; current.Parent is CommandResult parent; current = parent)
        {
            path.Insert(0, current.Command.Name);
        }

        root.Parse(path, Parser).Invoke(new InvocationConfiguration { Output = writer, EnableDefaultExceptionHandler = false });
    }

    private static T? Read<T>(string name, ArgumentResult result, string text, ValueReader<T> read, string expected, bool secret)
    {
        if (text.StartsWith("--", StringComparison.Ordinal))
        {
            result.AddError(NeedsAValue(name));
        }
        else if (!read(text, out var value))
        {
            // A credential is never echoed, even a malformed one.
            result.AddError(secret ? $"Option {name} takes {expected}." : $"Option {name} has an invalid value '{text}': it takes {expected}.");
        }
        else
        {
            return value;
        }

        return default;
    }

    private static string NeedsAValue(string name) => $"Option {name} needs a value.";

    private static IEnumerable<Command> Commands(Command command) => [command, .. command.Subcommands.SelectMany(Commands)];
}
