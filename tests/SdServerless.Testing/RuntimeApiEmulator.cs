using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SdServerless.Testing;

/// <summary>
/// The Lambda Runtime API (2018-06-01) on a loopback port the OS picks, as Lambda serves it to a custom runtime:
/// runtime/invocation/next hands out the events the test queues (long-polling until there is one), and
/// response, error and init/error complete them. The bootstrap tests and the cold-start benchmark both run the
/// runtime against this one.
/// </summary>
public sealed class RuntimeApiEmulator : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";

    private readonly WebApplication _app;
    private readonly Channel<Pending> _events = Channel.CreateUnbounded<Pending>();
    private readonly ConcurrentDictionary<string, Pending> _inFlight = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<RuntimeApiAnswer> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextRequests;

    private RuntimeApiEmulator(WebApplication app) => _app = app;

    /// <summary>The AWS_LAMBDA_RUNTIME_API value: host:port, with the port the emulator really listens on.</summary>
    public string Address { get; private set; } = "";

    /// <summary>How many times the runtime asked for its next event.</summary>
    public int NextRequests => Volatile.Read(ref _nextRequests);

    public Task<RuntimeApiAnswer> InitError => _initError.Task;

    public static async Task<RuntimeApiEmulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 7 * 1024 * 1024;
        });
        var app = builder.Build();
        var emulator = new RuntimeApiEmulator(app);
        app.MapGet($"{Prefix}/invocation/next", emulator.NextAsync);
        app.MapPost($"{Prefix}/invocation/{{id}}/response", (string id, HttpContext context) => emulator.CompleteAsync(id, isError: false, context));
        app.MapPost($"{Prefix}/invocation/{{id}}/error", (string id, HttpContext context) => emulator.CompleteAsync(id, isError: true, context));
        app.MapPost($"{Prefix}/init/error", emulator.InitErrorAsync);
        await app.StartAsync();
        emulator.Address = $"127.0.0.1:{new Uri(app.Urls.Single()).Port}";
        return emulator;
    }

    /// <summary>Queues an event and waits for the runtime's answer to it.</summary>
    public async Task<RuntimeApiAnswer> InvokeAsync(string eventJson, TimeSpan? timeout = null, string? traceId = null, TimeSpan? functionTimeout = null)
    {
        var pending = new Pending(
            Guid.NewGuid().ToString(),
            eventJson,
            DateTimeOffset.UtcNow + (functionTimeout ?? TimeSpan.FromMinutes(2)),
            traceId);
        _inFlight[pending.RequestId] = pending;
        await _events.Writer.WriteAsync(pending);
        return await pending.Answer.Task.WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextRequests);
        Pending pending;
        try
        {
            pending = await _events.Reader.ReadAsync(context.RequestAborted);
        }
        catch (ChannelClosedException)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = pending.RequestId;
        context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = pending.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:sdserverless-test";
        if (pending.TraceId is not null)
        {
            context.Response.Headers["Lambda-Runtime-Trace-Id"] = pending.TraceId;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(pending.EventJson);
    }

    private async Task CompleteAsync(string id, bool isError, HttpContext context)
    {
        var answer = await ReadAnswerAsync(id, isError, context);
        if (!_inFlight.TryRemove(id, out var pending))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("""{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}""");
            return;
        }

        pending.Answer.TrySetResult(answer);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        _initError.TrySetResult(await ReadAnswerAsync(null, isError: true, context));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static async Task<RuntimeApiAnswer> ReadAnswerAsync(string? id, bool isError, HttpContext context)
    {
        var postedAt = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
        return new RuntimeApiAnswer(id, isError, errorType.Length > 0 ? errorType : null, context.Request.ContentType, body, postedAt);
    }

    private sealed record Pending(string RequestId, string EventJson, DateTimeOffset Deadline, string? TraceId)
    {
        public TaskCompletionSource<RuntimeApiAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
