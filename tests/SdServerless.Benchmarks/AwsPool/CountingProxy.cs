using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// A loopback HTTP proxy in front of moto that counts the AWS calls passing through it by service and operation
/// ("dynamodb Query", "sqs ReceiveMessage", "s3 PUT"): the calls a deployment would pay for, per task. It also times
/// each call through it (moto's answer and the hop through the proxy), since every step between a queued task and its
/// GPU is such a call.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Expect", "Upgrade", "Proxy-Connection",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly Func<string, string> _targetFor;
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TimedCall> _timeline = new();

    private CountingProxy(Func<string, string> targetFor, int port)
    {
        _targetFor = targetFor;
        Url = $"http://127.0.0.1:{port}";
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        _app = builder.Build();
        _app.Run(ForwardAsync);
    }

    public string Url { get; }

    /// <param name="targetFor">The moto_server URL for a service: "s3", "sqs", "dynamodb".</param>
    public static async Task<CountingProxy> StartAsync(Func<string, string> targetFor)
    {
        var proxy = new CountingProxy(targetFor, LoopbackPort.Next());
        await proxy._app.StartAsync();
        return proxy;
    }

    /// <summary>Calls so far, by "service Operation".</summary>
    public IReadOnlyDictionary<string, long> Calls => new Dictionary<string, long>(_calls, StringComparer.Ordinal);

    public long Count(string service) => _calls.Where(c => c.Key.StartsWith(service + " ", StringComparison.Ordinal)).Sum(c => c.Value);

    public void Reset()
    {
        _calls.Clear();
        _timeline.Clear();
    }

    /// <summary>Every call since the last reset: what, when it reached the proxy, how long moto took to answer it.</summary>
    public IReadOnlyCollection<TimedCall> Timeline => _timeline;

    /// <summary>One call through the proxy; for S3, the object's file name too ("state.json"; "?list" for a listing).</summary>
    public sealed record TimedCall(string Call, string Object, DateTimeOffset StartedAt, double Milliseconds);

    /// <summary>The median duration of the calls so far, in milliseconds, without long polls (ReceiveMessage).</summary>
    public double MedianMilliseconds(Func<string, bool>? calls = null)
    {
        var durations = _timeline
            .Where(d => !d.Call.EndsWith(" ReceiveMessage", StringComparison.Ordinal) && (calls?.Invoke(d.Call) ?? true))
            .Select(d => d.Milliseconds)
            .Order()
            .ToList();
        return durations.Count == 0 ? 0 : durations[durations.Count / 2];
    }

    /// <summary>Counts a call made around the proxy, as if it had passed ("sqs ReceiveMessage").</summary>
    public void Add(string call) => _calls.AddOrUpdate(call, 1, (_, count) => count + 1);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    /// <summary>"dynamodb Query" from X-Amz-Target (JSON protocols: DynamoDB, SQS), else "s3 METHOD".</summary>
    public static string Operation(string? amzTarget, string method)
    {
        if (string.IsNullOrEmpty(amzTarget))
        {
            return "s3 " + method;
        }

        var dot = amzTarget.LastIndexOf('.');
        var service = amzTarget[..Math.Max(dot, 0)];
        var name = amzTarget[(dot + 1)..];
        return service.StartsWith("DynamoDB", StringComparison.Ordinal) ? "dynamodb " + name
            : service.StartsWith("AmazonSQS", StringComparison.Ordinal) ? "sqs " + name
            : service + " " + name;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var incoming = context.Request;
        var call = Operation(incoming.Headers["X-Amz-Target"].ToString(), incoming.Method);
        _calls.AddOrUpdate(call, 1, (_, n) => n + 1);
        var startedAt = DateTimeOffset.UtcNow;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var target = new Uri(_targetFor(call[..call.IndexOf(' ', StringComparison.Ordinal)]));
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(target, incoming.Path.ToUriComponent() + incoming.QueryString.ToUriComponent()));

        // Buffered: moto reads a body by its Content-Length.
        using var body = new MemoryStream();
        await incoming.Body.CopyToAsync(body, context.RequestAborted);
        request.Content = new ByteArrayContent(body.ToArray());
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        var milliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var path = incoming.Path.Value ?? "";
        var fileName = path[(path.LastIndexOf('/') + 1)..];
        var objectName = !call.StartsWith("s3 ", StringComparison.Ordinal) ? ""
            : incoming.Query.ContainsKey("list-type") ? "?list"
            : incoming.Headers.ContainsKey("x-amz-copy-source") ? "copy " + fileName
            : fileName;
        _timeline.Enqueue(new TimedCall(call, objectName, startedAt, milliseconds));
    }
}
