namespace SdServerless.Local.Hosting;

/// <summary>The local host's command-line options (README, "Local host options").</summary>
public sealed class LocalHostOptions
{
    /// <summary>Loopback only: the host serves its data to anyone who can reach it unless --api-key is set.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Where the HTTP API listens (--urls); several addresses are separated by semicolons.</summary>
    public string Urls { get; set; } = DefaultUrl;

    /// <summary>The root of the object store and the queues (--data); objects are at DIR/s3/BUCKET/KEY.</summary>
    public string DataDirectory { get; set; } = "./.sdserverless";

    /// <summary>The bucket name of the s3:// locations the API answers with (--bucket).</summary>
    public string Bucket { get; set; } = "outputbucket";

    /// <summary>Real SD Web UI servers of the one default runtime (--sdwebui); empty: the built-in emulator.</summary>
    public List<string> SdWebUiEndpoints { get; } = [];

    /// <summary>A JSON runtime configuration (--runtimes), instead of the one default runtime.</summary>
    public string? RuntimesFile { get; set; }

    /// <summary>GPUs the built-in emulator has, each serving one request at a time (--emulator-workers).</summary>
    public int EmulatorWorkers { get; set; } = 1;

    /// <summary>The emulator's GPU time per generated image (--emulator-delay-ms).</summary>
    public int EmulatorDelayMs { get; set; }

    /// <summary>The emulator's checkpoint load time (--emulator-model-switch-ms), so that model affinity shows locally.</summary>
    public int EmulatorModelSwitchMs { get; set; } = 2000;

    /// <summary>The callback URL of tasks that name none (--webhook-url); null: such tasks get no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The webhook signing secret (--webhook-secret); null: one generated once and kept in the data directory.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Lets URL inputs and callbacks reach loopback and private addresses (--allow-private-network), which the API
    /// otherwise refuses; for development and tests.
    /// </summary>
    public bool AllowPrivateNetwork { get; set; }

    /// <summary>Delivery attempts of one webhook before it goes to the callback dead-letter queue.</summary>
    public int WebhookAttempts { get; set; } = 6;

    /// <summary>The x-api-key every API and admin request must carry (--api-key); null: none, as on loopback.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Queued tasks above which submissions get 429. The embedded queue keeps every message body in memory (at most
    /// 200 KB each; larger tasks travel as a key), so an unbounded queue would be unbounded memory; 0 lifts the limit.
    /// </summary>
    public long QueueDepthLimit { get; set; } = DefaultQueueDepthLimit;

    /// <summary>Enough for a long batch, small enough that the queue's bodies fit in memory.</summary>
    public const long DefaultQueueDepthLimit = 2_000;

    /// <summary>Attempts on an unreachable pool before a task fails (--max-attempts).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The deadline of one generation, from the lease of its slot: a hung server is interrupted and the task retried.</summary>
    public int TaskTimeoutSeconds { get; set; } = 600;

    /// <summary>How long a task may wait for capacity before it fails with no_capacity.</summary>
    public int QueueingDeadlineSeconds { get; set; } = 3600;

    /// <summary>Accept and queue tasks without dispatching them (the queue is drained by a later run).</summary>
    public bool NoDispatch { get; set; }
}
