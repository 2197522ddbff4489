using System.Globalization;

namespace SdServerless.Local.Hosting;

/// <summary>Parses the command line; every problem is reported together, with the option's name.</summary>
public static class LocalHostOptionsParser
{
    public const string Usage = """
        Usage: dotnet run --project src/SdServerless.Local -- [options]

          --urls URL                  where the HTTP API listens (default http://127.0.0.1:8080)
          --data DIR                  object store and queue root (default ./.sdserverless)
          --bucket NAME               bucket name used in s3:// locations (default outputbucket)
          --sdwebui URL               a real SD Web UI server of runtime sdruntime (repeatable; default: built-in emulator)
          --runtimes FILE             JSON runtime configuration {"runtimes":[...]}
          --emulator-workers N        emulated GPUs (default 1)
          --emulator-delay-ms MS      emulated GPU time per image (default 0)
          --emulator-model-switch-ms MS  emulated checkpoint load time (default 2000)
          --webhook-url URL           default callback URL
          --webhook-secret whsec_...  webhook signing secret (default: generated once, kept in DATA/webhook-secret)
          --webhook-attempts N        delivery attempts before a webhook goes to the dead-letter queue (default 6)
          --allow-private-network     let URL inputs and callbacks reach loopback/private addresses
          --api-key KEY               require this x-api-key header
          --queue-depth-limit N       answer 429 when more tasks than this are queued (default: no limit)
          --max-attempts N            attempts on an unreachable pool before a task fails (default 5)
          --task-timeout-seconds S    deadline of one generation; past it the task is retried (default 600)
          --queueing-deadline-seconds S  how long a task may wait for a free server before it fails (default 3600)
          --no-dispatch               accept and queue tasks but do not run them
          --emulator-only             run only the SD Web UI emulator (its own options: --urls,
                                      --emulator-workers, --emulator-delay-ms, --models A,B, --model-switch-ms)
          --help                      this text
        """;

    public static LocalHostOptions Parse(IReadOnlyList<string> args, out IReadOnlyList<string> errors)
    {
        var options = new LocalHostOptions();
        var problems = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg;
            string? inlineValue = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inlineValue = arg[(eq + 1)..];
            }

            string? Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                problems.Add($"{name} needs a value");
                return null;
            }

            int Int(int min)
            {
                var text = Value();
                if (text is null)
                {
                    return min;
                }

                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min)
                {
                    problems.Add($"{name} takes a whole number of at least {min}, not '{text}'");
                }

                return value;
            }

            switch (name)
            {
                case "--urls": options.Urls = Value() ?? options.Urls; break;
                case "--data": options.DataDirectory = Value() ?? options.DataDirectory; break;
                case "--bucket": options.Bucket = Value() ?? options.Bucket; break;
                case "--sdwebui": AddUrl(options.SdWebUiEndpoints, name, Value(), problems); break;
                case "--runtimes": options.RuntimesFile = Value(); break;
                case "--emulator-workers": options.EmulatorWorkers = Int(1); break;
                case "--emulator-delay-ms": options.EmulatorDelayMs = Int(0); break;
                case "--emulator-model-switch-ms": options.EmulatorModelSwitchMs = Int(0); break;
                case "--webhook-url": options.WebhookUrl = CheckUrl(name, Value(), problems); break;
                case "--webhook-secret": options.WebhookSecret = Value(); break;
                case "--webhook-attempts": options.WebhookAttempts = Int(1); break;
                case "--allow-private-network": options.AllowPrivateNetwork = true; break;
                case "--api-key": options.ApiKey = Value(); break;
                case "--queue-depth-limit": options.QueueDepthLimit = Int(0); break;
                case "--max-attempts": options.MaxAttempts = Int(1); break;
                case "--task-timeout-seconds": options.TaskTimeoutSeconds = Int(1); break;
                case "--queueing-deadline-seconds": options.QueueingDeadlineSeconds = Int(1); break;
                case "--no-dispatch": options.NoDispatch = true; break;
                case "--help" or "-h": options.ShowHelp = true; break;
                default: problems.Add($"unknown option '{arg}'"); break;
            }
        }

        if (!IsValidBucketName(options.Bucket))
        {
            problems.Add($"--bucket '{options.Bucket}' is not a valid bucket name (3-63 of a-z 0-9 . -)");
        }

        if (options.RuntimesFile is { } file && !File.Exists(file))
        {
            problems.Add($"--runtimes file '{file}' does not exist");
        }

        if (options.RuntimesFile is not null && options.SdWebUiEndpoints.Count > 0)
        {
            problems.Add("--sdwebui and --runtimes both name the pool: use one");
        }

        errors = problems;
        return options;
    }

    private static void AddUrl(List<string> target, string name, string? value, List<string> problems)
    {
        if (CheckUrl(name, value, problems) is { } url)
        {
            target.Add(url.TrimEnd('/'));
        }
    }

    private static string? CheckUrl(string name, string? value, List<string> problems)
    {
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{name} takes an http(s) URL, not '{value}'");
            return null;
        }

        return value;
    }

    private static bool IsValidBucketName(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);
}
