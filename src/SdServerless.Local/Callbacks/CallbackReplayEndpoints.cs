using SdServerless.Functions.Callback;
using SdServerless.Functions.Json;

namespace SdServerless.Local.Callbacks;

/// <summary>POST /admin/callbacks/replay: re-delivers the callback dead-letter queue and reports the counts.</summary>
public static class CallbackReplayEndpoints
{
    /// <summary>The route the page's "replay" button posts to.</summary>
    public const string Route = "/admin/callbacks/replay";

    /// <summary>Maps the route; the caller adds the API key rule, as for the other admin routes.</summary>
    public static IEndpointConventionBuilder MapCallbackReplay(this IEndpointRouteBuilder endpoints, CallbackReplayer replayer) =>
        endpoints.MapPost(Route, async context =>
        {
            var report = await replayer.ReplayAsync(context.RequestAborted);
            await context.Response.WriteAsJsonAsync(report, FunctionsJsonContext.Default.CallbackReplayReport, cancellationToken: context.RequestAborted);
        });
}
