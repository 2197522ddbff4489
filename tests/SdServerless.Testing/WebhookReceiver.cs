using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace SdServerless.Testing;

/// <summary>
/// A webhook endpoint on 127.0.0.1, served by a <see cref="LoopbackHttpServer"/>: records every request and answers
/// with the scripted replies in order (200 once they run out), each request on its own, so that a reply held back (a
/// receiver that hangs) does not hold up the next attempt. It starts and stops synchronously, so that a test class can
/// hold one in a field.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<WebhookReply> _replies = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(LoopbackHttpServer server)
    {
        _server = server;
        _server.Handler = AnswerAsync;
    }

    /// <summary>The port the receiver really listens on.</summary>
    public int Port => _server.BaseUri.Port;

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <param name="port">
    /// A given port (one a test first left closed); null binds port 0 and lets the OS pick one, which
    /// <see cref="Port"/> then reports.
    /// </param>
    public static WebhookReceiver Start(int? port = null) =>
        // Started on the thread pool: blocking on it from a test's own synchronization context could starve that context.
        new(Task.Run(() => LoopbackHttpServer.StartAsync(port)).GetAwaiter().GetResult());

    public void Reply(params WebhookReply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    /// <summary>Stops listening; replies still held back are dropped with their connections instead of awaited.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        Task.Run(() => _server.DisposeAsync().AsTask()).GetAwaiter().GetResult();
        _stopping.Dispose();
    }

    private static string? Header(RecordedRequest request, string name) => request.Headers.TryGetValue(name, out var value) ? value : null;

    private async Task AnswerAsync(RecordedRequest request, HttpContext context)
    {
        _received.Enqueue(new ReceivedWebhook(
            request.Method,
            Header(request, "webhook-id"),
            Header(request, "webhook-timestamp"),
            Header(request, "webhook-signature"),
            Header(request, "Content-Type"),
            request.Body));

        var reply = _replies.TryDequeue(out var next) ? next : new WebhookReply(200);
        try
        {
            using var held = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, context.RequestAborted);
            await Task.Delay(reply.Delay, held.Token);
        }
        catch (OperationCanceledException)
        {
            // The sender gave up waiting, or the receiver is stopping: there is no one left to answer.
            context.Abort();
            return;
        }

        context.Response.StatusCode = reply.Status;
        if (reply.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = reply.RetryAfter;
        }
    }
}

/// <param name="Delay">How long the receiver holds the answer back.</param>
public sealed record WebhookReply(int Status, string? RetryAfter = null, TimeSpan Delay = default);

public sealed record ReceivedWebhook(string Method, string? Id, string? Timestamp, string? Signature, string? ContentType, byte[] Body);
