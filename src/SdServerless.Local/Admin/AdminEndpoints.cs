using System.Text.Json;
using SdServerless.Core.Configuration;
using SdServerless.Functions.Api;
using SdServerless.Functions.Events;
using SdServerless.Functions.Json;
using SdServerless.Functions.Pool;
using SdServerless.Local.Queueing;

namespace SdServerless.Local.Admin;

/// <summary>
/// The local host's own read-only views, for its page and for people: GET /admin/pool (each runtime's servers, what
/// they have loaded, their leased slots, and the queue depth, read from the in-process registry) and GET
/// /admin/callbacks (webhook deliveries waiting in the dead-letter queue for a replay), plus GET /openapi.json.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Each runtime's servers, their loads and leases, and its queue depth.</summary>
    public const string PoolRoute = "/admin/pool";

    /// <summary>The webhooks waiting in the callback dead-letter queue.</summary>
    public const string CallbacksRoute = "/admin/callbacks";

    /// <summary>The API's OpenAPI document, the same one the AWS deployment publishes; open, like the page.</summary>
    public const string OpenApiRoute = "/openapi.json";

    /// <summary>
    /// Maps the three views; the two admin views take the API's key rule (<paramref name="options"/>' ApiKey), the
    /// OpenAPI document none.
    /// </summary>
    /// <param name="endpoints">The host's routes.</param>
    /// <param name="registry">The in-process pool registry the dispatcher leases from.</param>
    /// <param name="queues">Each runtime's task queue, in configuration order.</param>
    /// <param name="callbackDeadLetters">The callback dead-letter queue, read without taking its messages.</param>
    /// <param name="options">The host's settings; their ApiKey guards the admin views.</param>
    public static void MapAdmin(
        this IEndpointRouteBuilder endpoints, InProcessPoolRegistry registry, IReadOnlyList<RuntimeQueue> queues, FileTaskQueue callbackDeadLetters, SdServerlessOptions options)
    {
        endpoints.MapGet(PoolRoute, async context => await WriteAsync(context, await PoolAsync(registry, queues, context.RequestAborted)))
            .RequireApiKey(options.ApiKey);
        endpoints.MapGet(CallbacksRoute, context => WriteAsync(context, DeadLettered(callbackDeadLetters)))
            .RequireApiKey(options.ApiKey);
        endpoints.MapGet(OpenApiRoute, async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(ApiDocument.Json, context.RequestAborted);
        });
    }

    /// <summary>The API's own rule: with --api-key, the x-api-key header (401 problem+json without it).</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, string? apiKey)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            ApiKeyCheck.IsValid(apiKey, context.HttpContext.Request.Headers[ApiKeyCheck.HeaderName])
                ? await next(context)
                : Results.Text(ApiKeyCheck.Refused().Body, ApiResults.ProblemContentType, statusCode: 401));

    private static async Task<ApiGatewayProxyResponse> PoolAsync(InProcessPoolRegistry registry, IReadOnlyList<RuntimeQueue> queues, CancellationToken cancellationToken)
    {
        var runtimes = new List<RuntimePoolBody>();
        foreach (var queue in queues)
        {
            var depth = await queue.Queue.GetApproximateDepthAsync(cancellationToken);
            var servers = await registry.ServersAsync(queue.Runtime.Name, cancellationToken);
            runtimes.Add(new RuntimePoolBody(queue.Runtime.Name, depth, [.. servers.Select(server =>
            {
                var leased = registry.LeasedSlots(server.Url);
                return new PoolServerBody(server.Url, server.Gpus, server.LoadedModel, leased, leased > 0);
            })]));
        }

        return ApiResults.Json(200, new PoolViewBody(runtimes), AdminJsonContext.Default.PoolViewBody);
    }

    private static ApiGatewayProxyResponse DeadLettered(FileTaskQueue deadLetters)
    {
        var letters = new List<DeadLetteredCallbackBody>();
        foreach (var body in deadLetters.Bodies())
        {
            try
            {
                if (JsonSerializer.Deserialize(body, FunctionsJsonContext.Default.CallbackDeadLetter) is { } letter)
                {
                    letters.Add(new DeadLetteredCallbackBody(
                        letter.WebhookId, letter.Url, letter.IdTask, letter.Reason, letter.StatusCode, letter.Attempts, letter.FailedAt));
                }
            }
            catch (JsonException)
            {
                // The replay reports an unreadable entry; the listing shows the readable ones.
            }
        }

        return ApiResults.Json(200, new CallbacksViewBody(letters), AdminJsonContext.Default.CallbacksViewBody);
    }

    private static async Task WriteAsync(HttpContext context, ApiGatewayProxyResponse response)
    {
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.Body ?? "", context.RequestAborted);
    }
}
