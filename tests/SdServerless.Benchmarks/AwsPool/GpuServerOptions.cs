using System.CommandLine;
using System.CommandLine.Help;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// One emulated GPU server of the aws-pool scenario, as its command line carries it to the child process
/// (<c>pool-gpu --urls URL --runtime R --models A,B --delay-ms N --switch-ms N --table T --dynamodb-url U</c>).
/// </summary>
public sealed record GpuServerOptions(
    string Url, string Runtime, IReadOnlyList<string> Models, int DelayMs, int SwitchMs, string Table, string DynamoDbUrl)
{
    public IEnumerable<string> ToArguments() =>
    [
        "--urls", Url, "--runtime", Runtime, "--models", string.Join(',', Models),
        "--delay-ms", Number(DelayMs), "--switch-ms", Number(SwitchMs),
        "--table", Table, "--dynamodb-url", DynamoDbUrl,
    ];

    /// <summary>The <see cref="GpuServer.Mode"/> command, every option required, whose action runs <paramref name="run"/>.</summary>
    public static Command CreateCommand(Func<GpuServerOptions, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var url = Required(CommandLineParsing.Text("--urls", "URL", "where its SD Web UI listens"));
        var runtime = Required(CommandLineParsing.Text("--runtime", "R", "the runtime whose pool it joins"));
        var models = Required(CommandLineParsing.Value(
            "--models", "A,B", "its checkpoints, comma-separated (the first one loaded)",
            static (string text, out string[] value) =>
            {
                value = text.Split(',');
                return value.All(model => model.Length > 0);
            }, "checkpoint names separated by commas"));
        var delayMs = Required(CommandLineParsing.WholeNumber("--delay-ms", "N", "emulated GPU time per image", min: 0, defaultValue: 0));
        var switchMs = Required(CommandLineParsing.WholeNumber("--switch-ms", "N", "checkpoint load time", min: 0, defaultValue: 0));
        var table = Required(CommandLineParsing.Text("--table", "T", "the pool registry's DynamoDB table"));
        var dynamoDbUrl = Required(CommandLineParsing.Text("--dynamodb-url", "U", "the DynamoDB endpoint (moto)"));

        var command = new Command(GpuServer.Mode, "one emulated GPU server in a child process of the aws-pool scenario")
        {
            url, runtime, models, delayMs, switchMs, table, dynamoDbUrl, new HelpOption(),
        };
        command.SetAction((result, cancellationToken) => run(
            new GpuServerOptions(
                result.GetRequiredValue(url), result.GetRequiredValue(runtime), result.GetRequiredValue(models), result.GetValue(delayMs),
                result.GetValue(switchMs), result.GetRequiredValue(table), result.GetRequiredValue(dynamoDbUrl)),
            cancellationToken));
        return command;
    }

    private static Option<T> Required<T>(Option<T> option)
    {
        // The benchmark always passes every one (ToArguments); a default would hide one it forgot.
        option.DefaultValueFactory = null;
        option.Required = true;
        return option;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
