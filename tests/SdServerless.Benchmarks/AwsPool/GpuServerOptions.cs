using System.Globalization;

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

    public static GpuServerOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string Get(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"pool-gpu needs {name}");
        int GetNumber(string name) => int.Parse(Get(name), NumberStyles.None, CultureInfo.InvariantCulture);
        return new GpuServerOptions(
            Get("--urls"), Get("--runtime"), Get("--models").Split(','), GetNumber("--delay-ms"), GetNumber("--switch-ms"),
            Get("--table"), Get("--dynamodb-url"));
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
