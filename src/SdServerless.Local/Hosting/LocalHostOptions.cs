namespace SdServerless.Local.Hosting;

/// <summary>The local host's command-line options (README, "Local host options").</summary>
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

    public int EmulatorModelSwitchMs { get; set; } = 2000;

    public string? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }

    public bool AllowPrivateNetwork { get; set; }

    /// <summary>Delivery attempts of one webhook before it goes to the callback dead-letter queue.</summary>
    public int WebhookAttempts { get; set; } = 6;

    public string? ApiKey { get; set; }

    /// <summary>
    /// Queued tasks above which submissions get 429. The embedded queue keeps every message body in memory (at most
    /// 200 KB each; larger tasks travel as a key), so an unbounded queue would be unbounded memory; 0 lifts the limit.
    /// </summary>
    public long QueueDepthLimit { get; set; } = DefaultQueueDepthLimit;

    public const long DefaultQueueDepthLimit = 2_000;

    public int MaxAttempts { get; set; } = 5;

    /// <summary>The deadline of one generation, from the lease of its slot: a hung server is interrupted and the task retried.</summary>
    public int TaskTimeoutSeconds { get; set; } = 600;

    /// <summary>How long a task may wait for capacity before it fails with no_capacity.</summary>
    public int QueueingDeadlineSeconds { get; set; } = 3600;

    /// <summary>Accept and queue tasks without dispatching them (the queue is drained by a later run).</summary>
    public bool NoDispatch { get; set; }
}
