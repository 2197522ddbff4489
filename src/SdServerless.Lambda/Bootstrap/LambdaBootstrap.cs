using Microsoft.Extensions.Logging;
using SdServerless.Lambda.Client;

namespace SdServerless.Lambda.Bootstrap;

/// <summary>
/// The custom runtime's loop: one invocation at a time, next → handler → response, and a handler that throws
/// (or runs past the deadline) becomes an invocation error while the loop goes on.
/// </summary>
public sealed class LambdaBootstrap(
    IRuntimeApiClient client,
    ILambdaHandler handler,
    IEnvironmentVariables environment,
    ILogger<LambdaBootstrap> logger,
    TimeProvider timeProvider,
    TimeSpan safetyMargin)
{
    /// <summary>Runs until <paramref name="stoppingToken"/> fires or the Runtime API fails (then it throws).</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var invocation = await client.GetNextInvocationAsync(stoppingToken).ConfigureAwait(false);
            await InvokeOnceAsync(invocation, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one invocation to its response or its error report, with the trace id set and a deadline a safety margin
    /// before Lambda's; throws only when the Runtime API cannot be reached.
    /// </summary>
    public async Task InvokeOnceAsync(Invocation invocation, CancellationToken stoppingToken)
    {
        var context = invocation.Context;
        environment.Set(LambdaEnvironmentVariableNames.TraceId, context.TraceId);
        using var scope = logger.BeginScope("Invocation {RequestId}", context.AwsRequestId);
        using var deadline = context.CreateDeadlineCancellation(timeProvider, safetyMargin);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stoppingToken);

        ReadOnlyMemory<byte> response;
        try
        {
            response = await handler.InvokeAsync(invocation.EventJson, context, linked.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Invocation failed with {ErrorType}", exception.GetType().Name);
            await client.ReportInvocationErrorAsync(context.AwsRequestId, ErrorReport.FromException(exception), stoppingToken)
                .ConfigureAwait(false);
            return;
        }

        await client.SendResponseAsync(context.AwsRequestId, response, stoppingToken).ConfigureAwait(false);
    }
}
