using SdServerless.Core.Runtimes;

namespace SdServerless.Core.Configuration;

/// <summary>Everything the handlers are configured with; bound once from the host's environment or options.</summary>
public sealed class SdServerlessOptions
{
    /// <summary>The bucket holding task records, results and output images.</summary>
    public string Bucket { get; set; } = "outputbucket";

    /// <summary>The runtimes tasks may name; a task's runtime decides its endpoints, queue, output prefix and bounds.</summary>
    public IReadOnlyList<RuntimeConfig> Runtimes { get; set; } = [];

    /// <summary>Let URL inputs and callbacks reach loopback and private addresses (development and tests only).</summary>
    public bool AllowPrivateNetwork { get; set; }

    /// <summary>Accept http:// as well as https:// for URL inputs and callbacks.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Request bodies above this get 413 (the Lambda payload limit).</summary>
    public int MaxBodyBytes { get; set; } = 6 * 1024 * 1024;

    /// <summary>Queue depth above which submissions get 429; 0 means no limit.</summary>
    public long QueueDepthLimit { get; set; }

    /// <summary>Attempts on transient pool failures before a task fails; only calls that reached SD Web UI count.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How long a task may wait for capacity (no server could take it: pool at zero, booting, all busy), from the first
    /// time it found none; then it fails with no_capacity.
    /// </summary>
    public TimeSpan QueueingDeadline { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Downloaded input images above this fail the task.</summary>
    public long MaxInputBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Where results are posted for tasks without a callback_url of their own (null: no callback for those).</summary>
    public string? DefaultWebhookUrl { get; set; }

    /// <summary>Standard Webhooks secret, whsec_&lt;base64&gt;.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>When set, requests need this value in x-api-key (the local host's --api-key; API Gateway checks keys itself).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Base URL of the status endpoint for the accepted response's status_url (null: omitted).</summary>
    public string? PublicBaseUrl { get; set; }
}
