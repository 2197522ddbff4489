using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace SdServerless.Emulator.Api;

/// <summary>Applies the emulator's fault hook to a request before its handler runs.</summary>
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

            var request = emulator.NextRequest(context.Request.Method, context.Request.Path.Value ?? "");
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
