using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace SdServerless.Emulator.Api;

/// <summary>
/// What stands before every /sdapi handler: the start-up delay (connections are dropped, as before a real server
/// listens), --api-auth's HTTP Basic check, and the emulator's fault hook.
/// </summary>
internal static partial class FaultGate
{
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    public static RequestDelegate Wrap(SdWebUiEmulator emulator, Func<HttpContext, SdWebUiEmulator, Task> handler) =>
        async context =>
        {
            // Inline base64 images can be large; when mounted in another host, its smaller default limit would apply.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxBodyBytes;
            }

            if (emulator.IsStarting)
            {
                context.Abort();
                return;
            }

            if (emulator.Options.ApiAuth is { } credentials && Unauthorized(context, credentials) is { } refused)
            {
                context.Response.Headers.WWWAuthenticate = "Basic";
                await SdResponses.WriteErrorAsync(context, refused);
                return;
            }

            var request = emulator.NextRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Headers.AcceptEncoding.ToString());
            var fault = emulator.FaultInjector?.Invoke(request);
            if (fault is not null)
            {
                LogFault(emulator.Logger, fault.ToString(), request.Method, request.Path, request.Sequence);
                if (!await ApplyAsync(context, fault))
                {
                    return;
                }
            }

            await handler(context, emulator);
        };

    /// <summary>Why the request's HTTP Basic credentials do not open /sdapi, or null when they do.</summary>
    private static SdError? Unauthorized(HttpContext context, string credentials)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return SdError.HttpException(401, "Not authenticated");
        }

        try
        {
            var sent = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())));
            return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(sent, System.Text.Encoding.UTF8.GetBytes(credentials))
                ? null
                : SdError.HttpException(401, "Incorrect username or password");
        }
        catch (FormatException)
        {
            return SdError.HttpException(401, "Invalid authentication credentials");
        }
    }

    /// <summary>Returns whether the request should still be handled normally.</summary>
    private static async Task<bool> ApplyAsync(HttpContext context, EmulatorFault fault)
    {
        switch (fault.Kind)
        {
            case EmulatorFaultKind.Status:
                context.Response.StatusCode = fault.StatusCode;
                context.Response.ContentType = fault.ContentType;
                if (fault.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await context.Response.WriteAsync(fault.Body, context.RequestAborted);
                return false;
            case EmulatorFaultKind.Hang:
                try
                {
                    await Task.Delay(fault.Duration, context.RequestAborted);
                    return true;
                }
                catch (OperationCanceledException)
                {
                    return false;
                }

            default:
                try
                {
                    await Task.Delay(fault.Duration, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }

                context.Abort();
                return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Emulator injects fault {Fault} into {Method} {Path} (request {Sequence})")]
    private static partial void LogFault(ILogger logger, string fault, string method, string path, long sequence);
}
