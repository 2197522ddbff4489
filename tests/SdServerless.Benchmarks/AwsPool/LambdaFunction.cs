using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SdServerless.Benchmarks.AwsPool;

/// <summary>
/// One Lambda function as Lambda runs it: <c>environments</c> execution environments, each the function's program in
/// its own OS process (its own caches and connections, no shared memory), each fed by its own Runtime API (one port
/// per environment, all served by one Kestrel here). An invocation goes to an idle environment and waits for its answer;
/// an environment serves one invocation at a time, as in Lambda.
/// </summary>
public sealed class LambdaFunction : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";

    private readonly WebApplication _app;
    private readonly Dictionary<int, Environment> _byPort;
    private readonly Channel<Environment> _idle = Channel.CreateUnbounded<Environment>();
    private readonly ConcurrentDictionary<string, Pending> _inFlight = new(StringComparer.Ordinal);
    private readonly TimeSpan _timeout;
    private long _invocations;

    private LambdaFunction(string name, TimeSpan timeout, IReadOnlyList<int> ports)
    {
        Name = name;
        _timeout = timeout;
        _byPort = ports.ToDictionary(p => p, p => new Environment(p));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var port in ports)
            {
                kestrel.Listen(IPAddress.Loopback, port);
            }

            kestrel.Limits.MaxRequestBodySize = 7 * 1024 * 1024;
        });
        _app = builder.Build();
        _app.MapGet($"{Prefix}/invocation/next", NextAsync);
        _app.MapPost($"{Prefix}/invocation/{{id}}/response", (string id, HttpContext context) => CompleteAsync(id, isError: false, context));
        _app.MapPost($"{Prefix}/invocation/{{id}}/error", (string id, HttpContext context) => CompleteAsync(id, isError: true, context));
        _app.MapPost($"{Prefix}/init/error", InitErrorAsync);
    }

    public string Name { get; }

    /// <summary>The program every environment runs (<see cref="LambdaProgram"/>).</summary>
    public string Program { get; private set; } = "";

    public long Invocations => Interlocked.Read(ref _invocations);

    /// <summary>
    /// Starts the Runtime API and <paramref name="environments"/> processes of the Lambda program with
    /// <paramref name="variables"/> (and the variables Lambda itself sets), and waits until each asks for its first event.
    /// </summary>
    public static async Task<LambdaFunction> StartAsync(
        string name, string handler, int environments, TimeSpan timeout, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        var program = await LambdaProgram.PathAsync();
        var function = await ListenAsync(name, timeout, environments, cancellationToken);
        function.Program = program;
        try
        {
            foreach (var environment in function._byPort.Values)
            {
                var start = LambdaProgram.StartInfo(program);
                start.Environment["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{environment.Port}";
                start.Environment["_HANDLER"] = handler;
                start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = name;
                start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
                foreach (var (key, value) in variables)
                {
                    start.Environment[key] = value;
                }

                environment.Process = ChildProcess.Start(start, $"{name} environment {environment.Port}");
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (function._byPort.Values.Any(e => !e.Ready))
            {
                if (function._byPort.Values.FirstOrDefault(e => e.Process!.HasExited) is { } dead)
                {
                    throw new InvalidOperationException($"{dead.Process!.Name} exited before its first invocation:\n{dead.Process.Tail}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{name}: not every environment asked for an event within 120 s");
                }

                await Task.Delay(50, cancellationToken);
            }

            return function;
        }
        catch
        {
            await function.DisposeAsync();
            throw;
        }
    }

    /// <summary>The Runtime API on free ports; again on others when one was taken before Kestrel bound it.</summary>
    private static async Task<LambdaFunction> ListenAsync(string name, TimeSpan timeout, int environments, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var function = new LambdaFunction(name, timeout, DistinctFreePorts(environments));
            try
            {
                await function._app.StartAsync(cancellationToken);
                return function;
            }
            catch (IOException) when (attempt < 3)
            {
                await function._app.DisposeAsync();
            }
        }
    }

    /// <summary>A free port may be offered twice in a row once it is closed again: ask until there are enough distinct ones.</summary>
    private static List<int> DistinctFreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(LoopbackPort.Next());
        }

        return [.. ports];
    }

    /// <summary>Runs one invocation on an idle environment (waiting for one) and returns its answer.</summary>
    public async Task<LambdaAnswer> InvokeAsync(string eventJson, CancellationToken cancellationToken)
    {
        var environment = await _idle.Reader.ReadAsync(cancellationToken);
        try
        {
            Interlocked.Increment(ref _invocations);
            var pending = new Pending(Guid.NewGuid().ToString(), eventJson, DateTimeOffset.UtcNow + _timeout);
            _inFlight[pending.RequestId] = pending;
            await environment.Events.Writer.WriteAsync(pending, cancellationToken);
            var answer = await pending.Answer.Task.WaitAsync(_timeout + TimeSpan.FromSeconds(30), cancellationToken);
            if (answer.InitError)
            {
                throw new InvalidOperationException($"{Name}: init error {answer.Body}\n{environment.Process?.Tail}");
            }

            return answer;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: no answer within {_timeout}\n{environment.Process?.Tail}");
        }
        finally
        {
            _idle.Writer.TryWrite(environment);
        }
    }

    /// <summary>The last output lines of every environment (for error messages).</summary>
    public string Tails => string.Join("\n", _byPort.Values.Select(e => $"--- {e.Process?.Name}\n{e.Process?.Tail}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var environment in _byPort.Values)
        {
            environment.Process?.Dispose();
            environment.Events.Writer.TryComplete();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task NextAsync(HttpContext context)
    {
        var environment = _byPort[context.Connection.LocalPort];
        if (!environment.Ready)
        {
            environment.Ready = true;
            _idle.Writer.TryWrite(environment);
        }

        Pending pending;
        try
        {
            pending = await environment.Events.Reader.ReadAsync(context.RequestAborted);
        }
        catch (ChannelClosedException)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = pending.RequestId;
        context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = pending.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = $"arn:aws:lambda:us-east-1:123456789012:function:{Name}";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(pending.EventJson, context.RequestAborted);
    }

    private async Task CompleteAsync(string id, bool isError, HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        if (!_inFlight.TryRemove(id, out var pending))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        pending.Answer.TrySetResult(new LambdaAnswer(isError, false, body));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        foreach (var pending in _inFlight.Values)
        {
            pending.Answer.TrySetResult(new LambdaAnswer(true, true, body));
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private sealed class Environment(int port)
    {
        public int Port { get; } = port;

        public Channel<Pending> Events { get; } = Channel.CreateUnbounded<Pending>();

        public ChildProcess? Process { get; set; }

        public volatile bool Ready;
    }

    private sealed record Pending(string RequestId, string EventJson, DateTimeOffset Deadline)
    {
        public TaskCompletionSource<LambdaAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
