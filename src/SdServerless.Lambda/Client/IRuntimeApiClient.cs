namespace SdServerless.Lambda.Client;

/// <summary>The Lambda Runtime API, as the bootstrap loop uses it; tests swap in their own.</summary>
public interface IRuntimeApiClient
{
    /// <summary>Waits, without a timeout, for the next event (Lambda may freeze the process meanwhile).</summary>
    Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken);

    Task SendResponseAsync(string awsRequestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken);

    Task ReportInvocationErrorAsync(string awsRequestId, ErrorReport error, CancellationToken cancellationToken);

    /// <summary>Reports a failure before the first invocation; the process must exit afterwards.</summary>
    Task ReportInitErrorAsync(string errorType, ErrorReport error, CancellationToken cancellationToken);
}
