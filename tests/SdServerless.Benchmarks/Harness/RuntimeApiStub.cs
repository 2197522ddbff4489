using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SdServerless.Benchmarks.Harness;

/// <summary>
/// The Lambda Runtime API as far as a cold start needs it: one invocation handed out by invocation/next (later calls
/// wait), and the moment its response (or an init/invocation error) is posted, by <see cref="Stopwatch"/> timestamp.
/// </summary>
public sealed class RuntimeApiStub : IAsyncDisposable
{
    private const string RequestId = "00000000-0000-4000-8000-000000000001";
    private readonly WebApplication _app;
    private readonly TaskCompletionSource<(long Timestamp, string Outcome, string Body)> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handedOut;

    private RuntimeApiStub(byte[] invocationEvent, int port)
    {
        Port = port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.MapGet("/2018-06-01/runtime/invocation/next", async context =>
        {
            if (Interlocked.Exchange(ref _handedOut, 1) == 1)
            {
                // Only one invocation: the runtime waits here until the benchmark ends it.
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
            }

            context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = RequestId;
            context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:000000000000:function:sdserverless-api";
            context.Response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-00000000-000000000000000000000000;Sampled=0";
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(invocationEvent, context.RequestAborted);
        });
        _app.MapPost("/2018-06-01/runtime/invocation/{id}/response", context => RecordAsync(context, "response"));
        _app.MapPost("/2018-06-01/runtime/invocation/{id}/error", context => RecordAsync(context, "invocation error"));
        _app.MapPost("/2018-06-01/runtime/init/error", context => RecordAsync(context, "init error"));
    }

    public int Port { get; }

    /// <summary>Completes when the runtime posts the invocation's response or an error.</summary>
    public Task<(long Timestamp, string Outcome, string Body)> Answered => _answered.Task;

    public static async Task<RuntimeApiStub> StartAsync(byte[] invocationEvent)
    {
        var stub = new RuntimeApiStub(invocationEvent, BenchmarkHost.FreePort());
        await stub._app.StartAsync();
        return stub;
    }

    private async Task RecordAsync(HttpContext context, string outcome)
    {
        var timestamp = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        context.Response.StatusCode = 202;
        _answered.TrySetResult((timestamp, outcome, body));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
