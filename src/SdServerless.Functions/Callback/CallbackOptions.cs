namespace SdServerless.Functions.Callback;

/// <summary>How webhooks are delivered. The defaults fit a callback function with a timeout of a few minutes.</summary>
public sealed class CallbackOptions
{
    /// <summary>One POST, connection included.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>POSTs of one webhook before it goes to the dead-letter queue.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First retry delay; it doubles per attempt (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest pause between two attempts, a receiver's Retry-After aside.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A receiver's Retry-After is honoured up to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// No retry starts after this, even if the invocation has time left: this, one <see cref="AttemptTimeout"/>
    /// and the dead-letter write must fit in the function timeout (120 s in template.yaml).
    /// </summary>
    public TimeSpan MaxDeliveryTime { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The dead-letter write runs after the deadline may have passed, so it gets its own short budget.</summary>
    public TimeSpan DeadLetterWriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lifetime of the image links in the payload (presigned URLs are also bounded by the signing credentials).</summary>
    public TimeSpan ImageUrlLifetime { get; set; } = TimeSpan.FromHours(24);
}
