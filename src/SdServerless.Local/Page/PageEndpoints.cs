namespace SdServerless.Local.Page;

/// <summary>
/// GET /: one HTML page (its CSS and script inline, embedded in this assembly: no build chain) that shows recent
/// tasks, their thumbnails and progress, the GPU pool and the webhook deliveries waiting for a replay. It polls the
/// public API like any client, plus the local /admin routes; with --api-key it asks for the key.
/// </summary>
public static class PageEndpoints
{
    private const string ResourceName = "SdServerless.Local.page.html";

    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Maps GET /, open to all: the page holds no data and asks for the key before it calls the API.</summary>
    public static IEndpointConventionBuilder MapPage(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/", async context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.XContentTypeOptions = "nosniff";

            // The page loads nothing from elsewhere: its own inline script and style, and images from this host.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self'";
            await context.Response.Body.WriteAsync(Html.Value, context.RequestAborted);
        });
}
