namespace SdServerless.Core.Queueing;

/// <summary>
/// The task queue port: SQS on AWS, a durable file-backed queue in the local host.
/// Semantics are SQS's: a received message is hidden for its visibility lease and comes back when the lease
/// expires unless deleted; every receive increments its receive count; after the configured number of receives
/// it moves to the dead-letter queue instead of being delivered again.
/// Implementations throw <see cref="DependencyUnavailableException"/> when the queue cannot be reached.
/// </summary>
public interface ITaskQueue
{
    /// <summary>Sends a message, optionally hidden for <paramref name="delay"/>; returns its message id once durable.</summary>
    Task<string> SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Receives up to <paramref name="maxMessages"/> messages, waiting up to <paramref name="wait"/> for the first.</summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Deletes a received message; a handle whose message is gone is no error.</summary>
    Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken);

    /// <summary>
    /// Hides a received message for <paramref name="visibility"/> from now (zero makes it visible at once).
    /// A handle whose message is no longer held (deleted, or received again after its lease ended) is ignored.
    /// </summary>
    Task ChangeVisibilityAsync(string receiptHandle, TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>Messages waiting or in flight (approximate on SQS); used for backpressure.</summary>
    Task<long> GetApproximateDepthAsync(CancellationToken cancellationToken);
}
