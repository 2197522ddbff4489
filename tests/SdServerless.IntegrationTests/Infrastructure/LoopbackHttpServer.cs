using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on a free loopback port for tests: serves input images, receives webhooks. Every request is
/// recorded (method, path, headers, body); the answer comes from a handler the test sets and may change while running.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttpServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers each request; the default is 200 with an empty body.</summary>
    public Func<RecordedRequest, HttpContext, Task> Handler { get; set; } = (_, context) =>
    {
        context.Response.StatusCode = 200;
        return Task.CompletedTask;
    };

    public Uri Url(string path) => new(BaseUri, path.TrimStart('/'));

    /// <param name="port">A given port (e.g. one a test first left closed); null picks a free one.</param>
    public static async Task<LoopbackHttpServer> StartAsync(int? port = null)
    {
        port ??= FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port.Value));
        var app = builder.Build();
        var server = new LoopbackHttpServer(app, new Uri($"http://127.0.0.1:{port}/"));
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var recorded = new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray(),
                DateTimeOffset.UtcNow);
            server.Requests.Enqueue(recorded);
            await server.Handler(recorded, context);
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
