using Microsoft.AspNetCore.Http.Features;
using SdServerless.Core.Storage;
using SdServerless.Core.Tasks;
using SdServerless.Local.Storage;

namespace SdServerless.Local.Callbacks;

/// <summary>
/// GET /objects/{key}: the local counterpart of a presigned S3 URL. Read-only, existing objects only, and never
/// the host's bookkeeping under _sdserverless/ (task records may hold callback URLs and inline images).
/// </summary>
public static class ObjectDownloadEndpoints
{
    /// <summary>The path prefix of every object link; the object's key follows, each segment escaped.</summary>
    public const string RoutePrefix = "/objects/";

    /// <param name="endpoints">The host's routes.</param>
    /// <param name="store">The store the links read from.</param>
    /// <param name="apiKey">When set, a request needs it in x-api-key or a link signed with it (see <see cref="ObjectLinkSignature"/>).</param>
    public static IEndpointConventionBuilder MapObjectDownloads(this IEndpointRouteBuilder endpoints, IObjectStore store, string? apiKey = null)
    {
        var signature = apiKey is null ? null : new ObjectLinkSignature(apiKey);
        return endpoints.MapGet(RoutePrefix + "{**key}", (HttpContext context) => ServeAsync(context, store, apiKey, signature));
    }

    private static async Task ServeAsync(HttpContext context, IObjectStore store, string? apiKey, ObjectLinkSignature? signature)
    {
        var key = KeyFromRawTarget(context);
        if (key is not null && signature is not null
            && !Functions.Api.ApiKeyCheck.IsValid(apiKey, context.Request.Headers[Functions.Api.ApiKeyCheck.HeaderName])
            && !signature.IsValid(key, context.Request.Query["expires"], context.Request.Query["signature"], DateTimeOffset.UtcNow))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var stored = key is null ? null : await store.GetAsync(key, context.RequestAborted);
        if (stored is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = stored.ContentType;
        context.Response.ContentLength = stored.Content.Length;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await context.Response.Body.WriteAsync(stored.Content, context.RequestAborted);
    }

    /// <summary>
    /// The key from the request target as sent, each segment unescaped once: the inverse of
    /// <see cref="LocalObjectUrlSigner"/>. (The routed value has already been unescaped except for %2F, which
    /// would make "a%2Fb" and "a/b" differ from what the signer produced.) Null for anything that is not a plain key.
    /// </summary>
    internal static string? KeyFromRawTarget(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? target[..query] : target;
        var start = path.IndexOf(RoutePrefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        // Validated after unescaping, so that an escaped "/" cannot smuggle a ".." segment past the check.
        var key = string.Join('/', path[(start + RoutePrefix.Length)..].Split('/').Select(Uri.UnescapeDataString));
        // The store's own key rules (no empty, "." or ".." segment, no NUL), plus what a URL must not reach.
        if (ObjectKeyValidator.Check(key) is not null || key.Contains('\\') || key.Split('/')[0] == TaskKeys.ReservedSegment)
        {
            return null;
        }

        return key;
    }
}
