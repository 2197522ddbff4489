namespace SdServerless.Lambda.Client;

/// <summary>The Lambda Runtime API, as the bootstrap loop uses it; tests swap in their own.</summary>
public interface IRuntimeApiClient
{
    /// <summary>Waits, without a timeout, for the next event (Lambda may freeze the process meanwhile).</summary>
    Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken);

    /// <summary>Hands back an invocation's response JSON, which ends the invocation.</summary>
    Task SendResponseAsync(string awsRequestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken);

    /// <summary>Ends an invocation as failed, so that Lambda retries the event or sends it to its failure destination.</summary>
    Task ReportInvocationErrorAsync(string awsRequestId, ErrorReport error, CancellationToken cancellationToken);

    /// <summary>Reports a failure before the first invocation; the process must exit afterwards.</summary>
    Task ReportInitErrorAsync(string errorType, ErrorReport error, CancellationToken cancellationToken);
}
