using SdServerless.Lambda.Client;

namespace SdServerless.UnitTests.Lambda;

/// <summary>Hands out queued invocations and records what the loop answers; when none is left, next fails.</summary>
internal sealed class FakeRuntimeApiClient(params Invocation[] invocations) : IRuntimeApiClient
{
    private readonly Queue<Invocation> _invocations = new(invocations);

    public Dictionary<string, string> Responses { get; } = [];

    public Dictionary<string, ErrorReport> Errors { get; } = [];

    public Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken) =>
        _invocations.Count > 0
            ? Task.FromResult(_invocations.Dequeue())
            : Task.FromException<Invocation>(new HttpRequestException("no more invocations"));

    public Task SendResponseAsync(string awsRequestId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        Responses.Add(awsRequestId, Encoding.UTF8.GetString(response.Span));
        return Task.CompletedTask;
    }

    public Task ReportInvocationErrorAsync(string awsRequestId, ErrorReport error, CancellationToken cancellationToken)
    {
        Errors.Add(awsRequestId, error);
        return Task.CompletedTask;
    }

    public Task ReportInitErrorAsync(string errorType, ErrorReport error, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the loop never reports init errors");
}
