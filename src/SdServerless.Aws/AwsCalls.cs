using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using SdServerless.Core;

namespace SdServerless.Aws;

/// <summary>
/// Runs an SDK call and turns the failures a retry can cure (no connection, timeouts, throttling, 5xx) into
/// <see cref="DependencyUnavailableException"/>; everything else (4xx: a request that can never succeed) passes unchanged.
/// </summary>
internal static class AwsCalls
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
        "TooManyRequestsException", "SlowDown", "RequestLimitExceeded", "RequestTimeout", "RequestTimeoutException",
    };

    public static async Task<T> RunAsync<T>(string service, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw new DependencyUnavailableException($"{service} is unavailable: {e.Message}", e);
        }
    }

    public static bool IsTransient(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException)
        {
            // The caller's own cancellation is not an outage; the SDK's timeouts are.
            return !cancellationToken.IsCancellationRequested;
        }

        if (exception is AmazonServiceException service
            && ((int)service.StatusCode >= 500
                || service.StatusCode == HttpStatusCode.TooManyRequests
                || (service.ErrorCode is { } code && ThrottlingCodes.Contains(code))))
        {
            return true;
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException or IOException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
