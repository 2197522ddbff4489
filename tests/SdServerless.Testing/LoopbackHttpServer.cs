using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SdServerless.Testing;

/// <summary>
/// A real HTTP server on a free loopback port for tests: serves input images, receives webhooks. Every request is
/// recorded (method, path, headers, body); the answer comes from a handler the test sets and may change while running.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttpServer(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:port/ with the port the server really listens on.</summary>
    public Uri BaseUri { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers each request; the default is 200 with an empty body.</summary>
    public Func<RecordedRequest, HttpContext, Task> Handler { get; set; } = StatusOnly(200);

    /// <summary>From now on answers every request with <paramref name="statusCode"/> and an empty body.</summary>
    public void AnswerWith(int statusCode) => Handler = StatusOnly(statusCode);

    public Uri Url(string path) => new(BaseUri, path.TrimStart('/'));

    /// <param name="port">
    /// A given port (e.g. one a test first left closed, from <see cref="LoopbackPort"/>); null binds port 0 and lets
    /// the OS pick one, which <see cref="BaseUri"/> then reports.
    /// </param>
    public static async Task<LoopbackHttpServer> StartAsync(int? port = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port ?? 0));
        var app = builder.Build();
        var server = new LoopbackHttpServer(app);
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
        server.BaseUri = new Uri($"http://127.0.0.1:{new Uri(app.Urls.Single()).Port}/");
        return server;
    }

    private static Func<RecordedRequest, HttpContext, Task> StatusOnly(int statusCode) => (_, context) =>
    {
        context.Response.StatusCode = statusCode;
        return Task.CompletedTask;
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
