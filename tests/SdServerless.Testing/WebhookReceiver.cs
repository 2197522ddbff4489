using System.Collections.Concurrent;
using System.Net;

namespace SdServerless.Testing;

/// <summary>
/// A webhook endpoint on 127.0.0.1: records every request and answers with the scripted replies in order
/// (200 once they run out).
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<WebhookReply> _replies = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <param name="port">A given port (one a test first left closed); null picks one (HttpListener cannot bind port 0).</param>
    public static WebhookReceiver Start(int? port = null) => new(port ?? LoopbackPort.Next());

    public void Reply(params WebhookReply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // Concurrently, so that a reply held back (a receiver that hangs) does not hold up the next attempt.
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        _received.Enqueue(new ReceivedWebhook(
            context.Request.HttpMethod,
            context.Request.Headers["webhook-id"],
            context.Request.Headers["webhook-timestamp"],
            context.Request.Headers["webhook-signature"],
            context.Request.ContentType,
            body.ToArray()));

        var reply = _replies.TryDequeue(out var next) ? next : new WebhookReply(200);
        await Task.Delay(reply.Delay);
        context.Response.StatusCode = reply.Status;
        if (reply.RetryAfter is not null)
        {
            context.Response.Headers["Retry-After"] = reply.RetryAfter;
        }

        try
        {
            context.Response.Close();
        }
        catch (HttpListenerException)
        {
            // The sender gave up waiting and closed the connection.
        }
    }
}

/// <param name="Delay">How long the receiver holds the answer back.</param>
public sealed record WebhookReply(int Status, string? RetryAfter = null, TimeSpan Delay = default);

public sealed record ReceivedWebhook(string Method, string? Id, string? Timestamp, string? Signature, string? ContentType, byte[] Body);
