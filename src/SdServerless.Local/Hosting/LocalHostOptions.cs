namespace SdServerless.Local.Hosting;

/// <summary>The local host's command-line options (CONTRACT §6).</summary>
public sealed class LocalHostOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public string Urls { get; set; } = DefaultUrl;

    public string DataDirectory { get; set; } = "./.sdserverless";

    public string Bucket { get; set; } = "outputbucket";

    public List<string> SdWebUiEndpoints { get; } = [];

    public string? RuntimesFile { get; set; }

    public int EmulatorWorkers { get; set; } = 1;

    public int EmulatorDelayMs { get; set; }

    public int EmulatorModelSwitchMs { get; set; }

    public string? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }

    public bool AllowPrivateNetwork { get; set; }

    public string? ApiKey { get; set; }

    public long QueueDepthLimit { get; set; }

    public int MaxAttempts { get; set; } = 5;

    /// <summary>Run only the SD Web UI emulator (for tests that point other hosts at it).</summary>
    public bool EmulatorOnly { get; set; }

    /// <summary>Accept and queue tasks without dispatching them (the queue is drained by a later run).</summary>
    public bool NoDispatch { get; set; }

    public bool ShowHelp { get; set; }
}
