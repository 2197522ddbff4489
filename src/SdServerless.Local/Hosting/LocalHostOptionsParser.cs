using System.CommandLine;
using SdServerless.Emulator;

namespace SdServerless.Local.Hosting;

/// <summary>
/// The local host's command line (README, "Local host options"), in the style of <see cref="CommandLineParsing"/>:
/// every problem is reported together, with the option's name.
/// </summary>
public sealed class LocalHostOptionsParser
{
    private readonly Option<string> _urls = CommandLineParsing.Text("--urls", "URL", "where the HTTP API listens", LocalHostOptions.DefaultUrl);

    private readonly Option<string> _data = CommandLineParsing.Text(
        "--data", "DIR", "object store and queue root: objects at DIR/s3/BUCKET/KEY", new LocalHostOptions().DataDirectory);

    private readonly Option<string> _bucket = CommandLineParsing.Value(
        "--bucket", "NAME", "the bucket name used in s3:// locations", IsValidBucketName,
        "a bucket name (3-63 of a-z 0-9 . -, beginning and ending with a letter or digit)", new LocalHostOptions().Bucket);

    private readonly Option<List<string>> _sdWebUi = CommandLineParsing.Repeatable(
        "--sdwebui", "URL", "a real SD Web UI server of runtime sdruntime's pool (repeatable; default: the built-in emulator)",
        static (string text, out string value) =>
        {
            value = text.TrimEnd('/');
            return IsHttpUrl(text);
        }, "an http(s) URL");

    private readonly Option<string> _runtimes = CommandLineParsing.Value(
        "--runtimes", "FILE",
        "JSON runtime configuration {\"runtimes\":[...]} (default: one runtime sdruntime serving v1-5-pruned-emaonly.safetensors)",
        static (string text, out string value) =>
        {
            value = text;
            return File.Exists(text);
        }, "an existing file");

    private readonly Option<int> _emulatorWorkers = CommandLineParsing.WholeNumber(
        "--emulator-workers", "N", "emulated GPUs, each serving one request at a time", min: 1, new LocalHostOptions().EmulatorWorkers);

    private readonly Option<int> _emulatorDelayMs = CommandLineParsing.WholeNumber(
        "--emulator-delay-ms", "MS", "emulated GPU time per generated image", min: 0, new LocalHostOptions().EmulatorDelayMs);

    private readonly Option<int> _emulatorModelSwitchMs = CommandLineParsing.WholeNumber(
        "--emulator-model-switch-ms", "MS", "emulated checkpoint load time", min: 0, new LocalHostOptions().EmulatorModelSwitchMs);

    private readonly Option<string> _webhookUrl = CommandLineParsing.Value(
        "--webhook-url", "URL", "default callback URL",
        static (string text, out string value) =>
        {
            value = text;
            return IsHttpUrl(text);
        }, "an http(s) URL");

    private readonly Option<string> _webhookSecret = CommandLineParsing.Text(
        "--webhook-secret", "whsec_...", "webhook signing secret, never printed (default: generated once, kept in DATA/webhook-secret)");

    private readonly Option<int> _webhookAttempts = CommandLineParsing.WholeNumber(
        "--webhook-attempts", "N", "delivery attempts before a webhook goes to the dead-letter queue", min: 1, new LocalHostOptions().WebhookAttempts);

    private readonly Option<bool> _allowPrivateNetwork = CommandLineParsing.Flag(
        "--allow-private-network", "let URL inputs and callbacks reach loopback/private addresses (development, tests)");

    private readonly Option<string> _apiKey = CommandLineParsing.Text("--api-key", "KEY", "require this x-api-key header (401 without it)");

    private readonly Option<int> _queueDepthLimit = CommandLineParsing.WholeNumber(
        "--queue-depth-limit", "N", "answer 429 with Retry-After when more tasks than this are queued (0: no limit)", min: 0,
        (int)LocalHostOptions.DefaultQueueDepthLimit);

    private readonly Option<int> _maxAttempts = CommandLineParsing.WholeNumber(
        "--max-attempts", "N", "attempts on an unreachable pool before a task fails", min: 1, new LocalHostOptions().MaxAttempts);

    private readonly Option<int> _taskTimeoutSeconds = CommandLineParsing.WholeNumber(
        "--task-timeout-seconds", "S", "deadline of one generation, from the lease of a server's slot; past it the task is retried",
        min: 1, new LocalHostOptions().TaskTimeoutSeconds);

    private readonly Option<int> _queueingDeadlineSeconds = CommandLineParsing.WholeNumber(
        "--queueing-deadline-seconds", "S", "how long a task may wait for a free server before it fails with no_capacity",
        min: 1, new LocalHostOptions().QueueingDeadlineSeconds);

    private readonly Option<bool> _noDispatch = CommandLineParsing.Flag(
        "--no-dispatch", "accept and queue tasks but do not run them (a later run drains the queue)");

    // Program.cs hands a command line with --emulator-only to the emulator before this parser sees it: the option is
    // here for the help text.
    private readonly Option<bool> _emulatorOnly = CommandLineParsing.Flag(
        "--emulator-only", "run only the SD Web UI emulator (on --urls), with options of its own: --emulator-only --help lists them");

    private LocalHostOptionsParser(Func<LocalHostOptions, CancellationToken, Task<int>> run)
    {
        Command = CommandLineParsing.Root(
            "The image-generation API, its queue, its dispatcher and, unless --sdwebui or --runtimes name real servers, an SD Web UI emulator, in one process.");
        foreach (var option in new Option[]
        {
            _urls, _data, _bucket, _sdWebUi, _runtimes, _emulatorWorkers, _emulatorDelayMs, _emulatorModelSwitchMs, _webhookUrl,
            _webhookSecret, _webhookAttempts, _allowPrivateNetwork, _apiKey, _queueDepthLimit, _maxAttempts, _taskTimeoutSeconds,
            _queueingDeadlineSeconds, _noDispatch, _emulatorOnly,
        })
        {
            Command.Options.Add(option);
        }

        Command.Validators.Add(result =>
        {
            if (result.GetResult(_sdWebUi) is { Implicit: false } && result.GetResult(_runtimes) is { Implicit: false })
            {
                result.AddError("--sdwebui and --runtimes both name the pool: use one.");
            }
        });
        Command.SetAction((result, cancellationToken) => run(Options(result), cancellationToken));
    }

    /// <summary>The root command, whose action runs the given action with the parsed options.</summary>
    public RootCommand Command { get; }

    /// <summary>The command Program runs: parsing errors and --help are its own, valid options go to <paramref name="run"/>.</summary>
    public static RootCommand CreateCommand(Func<LocalHostOptions, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new LocalHostOptionsParser(run).Command;
    }

    /// <summary>Parses without running: the options, or every problem (then the options are the defaults).</summary>
    public static LocalHostOptions Parse(IReadOnlyList<string> args, out IReadOnlyList<string> errors)
    {
        var parser = new LocalHostOptionsParser((_, _) => Task.FromResult(0));
        var result = CommandLineParsing.Parse(parser.Command, args, out errors);
        return errors.Count > 0 ? new LocalHostOptions() : parser.Options(result);
    }

    private LocalHostOptions Options(ParseResult result)
    {
        var options = new LocalHostOptions
        {
            Urls = result.GetRequiredValue(_urls),
            DataDirectory = result.GetRequiredValue(_data),
            Bucket = result.GetRequiredValue(_bucket),
            RuntimesFile = result.GetValue(_runtimes),
            EmulatorWorkers = result.GetValue(_emulatorWorkers),
            EmulatorDelayMs = result.GetValue(_emulatorDelayMs),
            EmulatorModelSwitchMs = result.GetValue(_emulatorModelSwitchMs),
            WebhookUrl = result.GetValue(_webhookUrl),
            WebhookSecret = result.GetValue(_webhookSecret),
            WebhookAttempts = result.GetValue(_webhookAttempts),
            AllowPrivateNetwork = result.GetValue(_allowPrivateNetwork),
            ApiKey = result.GetValue(_apiKey),
            QueueDepthLimit = result.GetValue(_queueDepthLimit),
            MaxAttempts = result.GetValue(_maxAttempts),
            TaskTimeoutSeconds = result.GetValue(_taskTimeoutSeconds),
            QueueingDeadlineSeconds = result.GetValue(_queueingDeadlineSeconds),
            NoDispatch = result.GetValue(_noDispatch),
        };
        options.SdWebUiEndpoints.AddRange(result.GetRequiredValue(_sdWebUi));
        return options;
    }

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsValidBucketName(string name, out string value)
    {
        value = name;
        return name.Length is >= 3 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
            && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);
    }
}
